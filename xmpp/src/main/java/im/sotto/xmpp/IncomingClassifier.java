package im.sotto.xmpp;

import java.util.Optional;

import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.packet.Message;

/**
 * What an incoming message that Sotto does not decrypt is, for the user (issue #18: nothing that arrives is dropped
 * without a word): another scheme's ciphertext, or plaintext. Looks at the top-level stanza only: a carbon copy or
 * an archive result wraps the message it carries ({@code <forwarded/>}) and has no body of its own, so it is never
 * reported a second time. Pure: no state, no I/O.
 */
final class IncomingClassifier {
    /** What the user is told about one message. */
    sealed interface Arrival {
        /** A body without any end-to-end encryption. */
        record Unencrypted(String body) implements Arrival {
        }

        /** Ciphertext of a scheme Sotto cannot read. */
        record Foreign(ForeignScheme scheme) implements Arrival {
        }
    }

    private IncomingClassifier() {
    }

    /**
     * Empty for what is not a message someone wrote to this account (chat states, receipts, PEP notifications,
     * carbon and archive wrappers), for Sotto's own messages (the session layer reports those), for errors (a bounce
     * of what we sent) and for groupchat messages (Sotto does not do group chats yet; out of scope for #18).
     */
    static Optional<Arrival> classify(Message message) {
        if (message.getType() == Message.Type.error || message.getType() == Message.Type.groupchat
                || message.hasExtension(SottoEncrypted.ELEMENT, SottoEncrypted.NAMESPACE)) {
            return Optional.empty();
        }
        for (ForeignScheme scheme : ForeignScheme.values()) {
            if (scheme.element() != null && message.hasExtension(scheme.element(), scheme.namespace())) {
                return Optional.of(new Arrival.Foreign(scheme));
            }
        }
        String body = body(message);
        if (body == null) {
            return Optional.empty();
        }
        if (body.startsWith(ForeignScheme.OTR_PREFIX)) {
            return Optional.of(new Arrival.Foreign(ForeignScheme.OTR));
        }
        return Optional.of(new Arrival.Unencrypted(body));
    }

    /** The body in the stanza's language, else the first body in any language; null without one. */
    private static String body(Message message) {
        String body = message.getBody();
        if (body != null) {
            return body;
        }
        return message.getBodies().stream().findFirst().map(Message.Body::getMessage).orElse(null);
    }
}
