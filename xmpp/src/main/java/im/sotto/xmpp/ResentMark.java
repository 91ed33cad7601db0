package im.sotto.xmpp;

import java.util.Optional;
import java.util.OptionalInt;

import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StandardExtensionElement;

/**
 * The binding's side of sending again what a replaced session's peer never acknowledged (docs/protocol.md 7.3, "Sent
 * again under the new session"; core {@code Resends} and {@code DeliveredOnce}): which message types are kept for it
 * (the core's one-byte carrier), and the mark {@code <resent xmlns='https://sotto.im/protocol/1/resent' id='...'/>}
 * a copy carries inside its envelope, naming its original stanza id. Its own namespace: the envelope refuses
 * elements of the protocol's namespace.
 */
final class ResentMark {
    static final String ELEMENT = "resent";
    static final String NAMESPACE = "https://sotto.im/protocol/1/resent";

    /** Carriers: a message of these types is what a user wrote; others (error, groupchat) are never sent again. */
    private static final Message.Type[] CARRIERS = {Message.Type.normal, Message.Type.chat, Message.Type.headline};

    private ResentMark() {
    }

    /** The carrier of a stanza worth sending again, or empty (an iq, a presence, an error, no stanza id). */
    static OptionalInt carrier(Stanza inner) {
        if (!(inner instanceof Message message) || SessionCrypto.idOf(inner).equals("-")) {
            return OptionalInt.empty();
        }
        for (int i = 0; i < CARRIERS.length; i++) {
            if (CARRIERS[i] == message.getType()) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }

    /** The message type a carrier stands for; empty for a byte this version does not know. */
    static Optional<Message.Type> type(int carrier) {
        return carrier >= 0 && carrier < CARRIERS.length ? Optional.of(CARRIERS[carrier]) : Optional.empty();
    }

    /** The mark's XML, put after the content of the copy sent again. */
    static String xml(String originalId) {
        return StandardExtensionElement.builder(ELEMENT, NAMESPACE).addAttribute("id", originalId).build().toXML()
                .toString();
    }

    /** The original id a decrypted stanza's mark names, if it carries one. */
    static Optional<String> originalId(Stanza decrypted) {
        ExtensionElement mark = decrypted.getExtensionElement(ELEMENT, NAMESPACE);
        if (mark instanceof StandardExtensionElement standard) {
            return Optional.ofNullable(standard.getAttributeValue("id")).filter(id -> !id.isEmpty());
        }
        return Optional.empty();
    }
}
