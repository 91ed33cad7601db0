package im.sotto.xmpp.it;

import java.time.Clock;

import im.sotto.xmpp.OuterStanzas;
import im.sotto.xmpp.element.SottoEncrypted;
import im.sotto.xmpp.element.SottoEncryptedIq;
import im.sotto.xmpp.envelope.EnvelopeCodec;
import im.sotto.xmpp.envelope.EnvelopeException;
import im.sotto.xmpp.envelope.OpenedStanza;

import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.Stanza;

/**
 * Test-only: puts a stanza's envelope into {@code <encrypted/>} <em>without encrypting it</em>, to prove what the
 * transport does (servers route, store and keep our elements) before sessions exist. The real binding will put
 * ciphertext of the same envelope there.
 */
final class UnencryptedCarrier {
    private final XMPPConnection connection;
    private final EnvelopeCodec codec = new EnvelopeCodec(Clock.systemUTC());

    UnencryptedCarrier(XMPPConnection connection) {
        this.connection = connection;
    }

    Message wrap(Message inner) throws EnvelopeException {
        return OuterStanzas.message(inner, encrypted(inner));
    }

    Presence wrap(Presence inner) throws EnvelopeException {
        return OuterStanzas.presence(inner, encrypted(inner));
    }

    SottoEncryptedIq wrap(IQ inner) throws EnvelopeException {
        return OuterStanzas.iq(inner, encrypted(inner));
    }

    OpenedStanza open(Stanza outer) throws EnvelopeException {
        SottoEncrypted encrypted = outer instanceof SottoEncryptedIq
                ? ((SottoEncryptedIq) outer).encrypted()
                : outer.getExtension(SottoEncrypted.class);
        if (encrypted == null) {
            throw new AssertionError("no <encrypted/> in " + outer.toXML());
        }
        return codec.open(encrypted.payload(), outer);
    }

    private SottoEncrypted encrypted(Stanza inner) throws EnvelopeException {
        return new SottoEncrypted(SottoEncrypted.Kind.RATCHET, codec.seal(inner));
    }
}
