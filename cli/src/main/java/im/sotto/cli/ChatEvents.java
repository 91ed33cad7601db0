package im.sotto.cli;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

import im.sotto.protocol.identity.Fingerprint;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SottoListener;

import org.jivesoftware.smack.packet.Message;
import org.jxmpp.jid.EntityBareJid;

/**
 * What the binding reports during {@code sotto chat}, on the screen: each message as it arrives, each security event
 * as one line. Called on the binding's worker thread, so anything that asks the binding back (the status line, the
 * outbox) is handed to the chat's own thread.
 */
final class ChatEvents implements SottoListener {
    private final EntityBareJid peer;
    private final ChatScreen screen;
    private final Executor actions;
    private volatile ChatStatus status;
    private volatile ChatOutgoing outgoing;
    private volatile PeerRendezvous rendezvous;
    private volatile Runnable statusChanged = () -> { };
    private volatile Optional<Fingerprint> peerFingerprint = Optional.empty();
    private volatile String lastKeyChange;
    /** Notices told in full before in this chat are shown short (stale OMEMO devices missed at every message). */
    private final RepeatedNotices repeated = new RepeatedNotices();
    private final boolean hideStrangers;

    ChatEvents(EntityBareJid peer, ChatScreen screen, Executor actions, boolean hideStrangers) {
        this.peer = peer;
        this.screen = screen;
        this.actions = actions;
        this.hideStrangers = hideStrangers;
    }

    /**
     * Logged in: from now on events update the status line, a new session sends the outbox, and the peer's first
     * encrypted stanza is answered. (Before, during login, offline messages are shown and nothing more.)
     */
    void connected(ChatStatus chatStatus, ChatOutgoing out, PeerRendezvous meeting, Runnable onStatusChange) {
        this.status = chatStatus;
        this.outgoing = out;
        this.rendezvous = meeting;
        this.statusChanged = onStatusChange;
    }

    /** The peer's account fingerprint as its last stanza proved it, for /verify of a session without SAS. */
    Optional<Fingerprint> peerFingerprint() {
        return peerFingerprint;
    }

    @Override
    public void onStanza(DecryptedStanza stanza) {
        // A copy of our own line (another device of ours) is in the peer's conversation but proves nothing of the peer.
        boolean inConversation = stanza.peer().equals(peer);
        boolean fromPeer = inConversation && !EventPrinter.yours(stanza);
        if (fromPeer) {
            peerFingerprint = stanza.accountFingerprint();
            PeerRendezvous meeting = rendezvous;
            if (meeting != null) {
                meeting.answer(stanza.stanza().getFrom());
            }
        }
        // Presences carry the rendezvous; only what a person wrote is shown.
        if (stanza.stanza() instanceof Message m && m.getBody() != null) {
            Map<String, Object> event = EventPrinter.describe(stanza);
            // From another contact: announced here, answered with /open (its line waits, unread, in the log).
            screen.print(EventLines.text(event) + (inConversation ? "" : "   (/open " + stanza.peer() + " to answer)"));
        }
        actions.execute(statusChanged);
    }

    @Override
    public void onEvent(SecurityEvent event) {
        if (event instanceof SecurityEvent.SendFailed f && outgoing != null && outgoing.isOurs(f.stanzaId())) {
            return; // the message's own line says it, with what happened to the message
        }
        if (event instanceof SecurityEvent.KeyChanged k) {
            // Each attempt of the new key's device reports it again; the user needs it once per key.
            String key = k.peer() + " " + k.presented().displayForm();
            if (key.equals(lastKeyChange)) {
                return;
            }
            lastKeyChange = key;
        }
        // The contact this chat is with was chosen by the user: not a stranger here, even before any session.
        boolean chosen = peer.equals(event.peer());
        if (hideStrangers && !chosen && Strangers.fromStranger(event)) {
            return;
        }
        Map<String, Object> described = EventPrinter.describe(event);
        if (chosen && described.containsKey("stranger")) {
            described.put("stranger", false);
        }
        String line = EventLines.text(repeated.mark(described));
        if (event instanceof SecurityEvent.UnencryptedMessage) {
            screen.unencrypted(line);
            ChatStatus shown = this.status;
            if (shown != null) {
                shown.unencryptedArrived();
            }
            actions.execute(statusChanged);
            return;
        }
        if (event instanceof SecurityEvent.SessionEstablished || event instanceof SecurityEvent.SessionHealed) {
            screen.print(line);
        } else {
            screen.alert(line);
        }
        ChatStatus status = this.status;
        if (status != null && event.peer() != null && event.peer().equals(peer)) {
            if (event instanceof SecurityEvent.SessionEstablished s) {
                status.sessionWith(s.deviceId());
                ChatOutgoing out = outgoing;
                if (out != null) {
                    out.flushOutbox();
                }
            } else if (event instanceof SecurityEvent.KeyChanged) {
                status.keyChanged(true);
            }
        }
        actions.execute(statusChanged);
    }
}
