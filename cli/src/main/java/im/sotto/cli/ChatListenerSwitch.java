package im.sotto.cli;

import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SottoListener;

/**
 * The binding's listener of a {@code sotto chat}, handing each stanza and event to the conversation shown now: the
 * login's listener stays attached while {@code /open} moves the chat to another contact.
 */
final class ChatListenerSwitch implements SottoListener {
    private volatile SottoListener current;

    ChatListenerSwitch(SottoListener first) {
        this.current = first;
    }

    void switchTo(SottoListener next) {
        current = next;
    }

    @Override
    public void onStanza(DecryptedStanza stanza) {
        current.onStanza(stanza);
    }

    @Override
    public void onEvent(SecurityEvent event) {
        current.onEvent(event);
    }
}
