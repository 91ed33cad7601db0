package im.sotto.xmpp;

import java.util.Objects;

import im.sotto.xmpp.element.ExplicitEncryption;
import im.sotto.xmpp.element.ProcessingHint;
import im.sotto.xmpp.element.SottoEncrypted;
import im.sotto.xmpp.element.SottoEncryptedIq;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.packet.StanzaError;

/**
 * Builds what the server sees of an encrypted stanza: the routing attributes of the original ({@code to},
 * {@code type}, {@code id}) and Sotto's elements, nothing else.
 */
public final class OuterStanzas {
    /** Shown by clients without Sotto instead of the encrypted content. */
    public static final String FALLBACK_BODY =
            "This message is end-to-end encrypted with Sotto, which your client does not support.";

    private OuterStanzas() {
    }

    /**
     * A message carrying {@code encrypted}, plus the XEP-0380 hint and the fallback body for clients without Sotto,
     * plus the processing hints for its kind (see {@link #hintsFor}).
     */
    public static Message message(Message original, SottoEncrypted encrypted) {
        Objects.requireNonNull(original.getTo(), "the message needs a recipient");
        var builder = StanzaBuilder.buildMessage(original.getStanzaId())
                .to(original.getTo())
                .ofType(original.getType())
                .addExtension(encrypted)
                .addExtension(ExplicitEncryption.SOTTO)
                .setBody(FALLBACK_BODY);
        for (ProcessingHint hint : hintsFor(encrypted.kind())) {
            builder.addExtension(hint);
        }
        return builder.build();
    }

    /**
     * Handshake steps are useless once the handshake has timed out and to the user's other devices, so they are
     * kept nowhere and not copied; everything else must survive offline storage and archives, which would
     * otherwise drop a message whose only readable part is a fallback body.
     */
    public static ProcessingHint[] hintsFor(SottoEncrypted.Kind kind) {
        return kind == SottoEncrypted.Kind.HANDSHAKE
                ? new ProcessingHint[] {ProcessingHint.NO_STORE, ProcessingHint.NO_COPY}
                : new ProcessingHint[] {ProcessingHint.STORE};
    }

    /** A directed presence carrying {@code encrypted}; its type stays outside because servers act on it. */
    public static Presence presence(Presence original, SottoEncrypted encrypted) {
        Objects.requireNonNull(original.getTo(), "only directed presence is carried");
        return StanzaBuilder.buildPresence(original.getStanzaId())
                .to(original.getTo())
                .ofType(original.getType())
                .addExtension(encrypted)
                .build();
    }

    /**
     * An iq of the original's type carrying {@code encrypted}. An error response also gets a generic outer
     * {@code <error/>}: RFC 6120 requires one and Smack cannot parse an error iq without it; the real error
     * travels encrypted.
     */
    public static SottoEncryptedIq iq(IQ original, SottoEncrypted encrypted) {
        Objects.requireNonNull(original.getTo(), "the iq needs a recipient");
        SottoEncryptedIq iq = new SottoEncryptedIq(original.getType(), encrypted);
        iq.setTo(original.getTo());
        iq.setStanzaId(original.getStanzaId());
        if (original.getType() == IQ.Type.error) {
            iq.setError(StanzaError.getBuilder(StanzaError.Condition.undefined_condition)
                    .setType(StanzaError.Type.CANCEL)
                    .build());
        }
        return iq;
    }
}
