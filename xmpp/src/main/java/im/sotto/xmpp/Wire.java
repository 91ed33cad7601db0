package im.sotto.xmpp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import im.sotto.xmpp.element.SottoEncrypted;
import im.sotto.xmpp.element.SottoEncryptedIq;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;

/** How the binding puts Sotto payloads into stanzas and takes them out (docs/protocol.md, section 7). */
final class Wire {
    private static final byte[] AD_LABEL = "Sotto v1 XMPP".getBytes(StandardCharsets.US_ASCII);

    private Wire() {
    }

    /** What a session-setup or handshake carrier is (a message without a type): {@link #kindAndType} of it. */
    static final String SETUP_CARRIER = "message normal";

    /**
     * The caller's associated data of every ratchet and first message: a label, the sender's full JID, the
     * recipient's bare JID, and the carrying stanza's kind and type ({@link #kindAndType}), each terminated by a zero
     * byte (a JID has none). It binds the session to the pair of accounts it was made for; the sender's resource,
     * which the server stamps on every stanza it routes and which the receiver takes from the outer {@code from}, so
     * that a server presenting the stanza as another resource's makes it fail authentication (TAMPERED) and spends
     * no message key; and the stanza's type, which travels in the clear (a chat turned into a headline or groupchat
     * message, or a get into a set, fails the same way). The recipient is bound as a bare JID only: a server may
     * deliver to any resource of the account or to offline storage (RFC 6121). docs/protocol.md 7.2.
     *
     * @param sender the sending device's full JID: the sealer's own {@code connection.getUser()}, the opener's outer
     *     {@code from} as it arrived (a bare or missing resource there cannot match a sealer's full JID)
     */
    static byte[] associatedData(Jid sender, BareJid recipient, String kindAndType) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.writeBytes(AD_LABEL);
        out.write(0);
        out.writeBytes(sender.toString().getBytes(StandardCharsets.UTF_8));
        out.write(0);
        out.writeBytes(recipient.toString().getBytes(StandardCharsets.UTF_8));
        out.write(0);
        out.writeBytes(kindAndType.getBytes(StandardCharsets.US_ASCII));
        out.write(0);
        return out.toByteArray();
    }

    /** The stanza's element and type as the outer stanza carries them, e.g. {@code message chat}, {@code iq set}. */
    static String kindAndType(Stanza stanza) {
        if (stanza instanceof IQ) {
            return "iq " + ((IQ) stanza).getType();
        }
        if (stanza instanceof Presence) {
            return "presence " + ((Presence) stanza).getType();
        }
        return "message " + ((Message) stanza).getType();
    }

    /** The Sotto elements of a stanza, handshake first, then first messages, then ratchet messages. */
    static List<SottoEncrypted> elementsOf(Stanza stanza) {
        List<SottoEncrypted> elements = new ArrayList<>();
        if (stanza instanceof SottoEncryptedIq) {
            elements.add(((SottoEncryptedIq) stanza).encrypted());
        }
        for (ExtensionElement element : stanza.getExtensions(SottoEncrypted.QNAME)) {
            if (element instanceof SottoEncrypted) {
                elements.add((SottoEncrypted) element);
            }
        }
        elements.sort(Comparator.comparing(SottoEncrypted::kind));
        return elements;
    }

    /** A handshake step: a message with no body (nothing for a client without Sotto to show) and no-store hints. */
    static Message handshakeMessage(Jid to, byte[] payload) {
        var builder = StanzaBuilder.buildMessage().to(to)
                .addExtension(new SottoEncrypted(SottoEncrypted.Kind.HANDSHAKE, payload));
        for (var hint : OuterStanzas.hintsFor(SottoEncrypted.Kind.HANDSHAKE)) {
            builder.addExtension(hint);
        }
        return builder.build();
    }

    /**
     * A session-setup message without content: one element (the empty ratchet message that lets a new responder
     * send), no body, the handshake's no-store hints.
     */
    static Message setupMessage(Jid to, SottoEncrypted element) {
        var builder = StanzaBuilder.buildMessage().to(to).addExtension(element);
        for (var hint : OuterStanzas.hintsFor(SottoEncrypted.Kind.HANDSHAKE)) {
            builder.addExtension(hint);
        }
        return builder.build();
    }

    /**
     * The outer stanza for {@code original} carrying {@code elements} (one per peer device). An iq carries one: it
     * goes to one device.
     */
    static Stanza outer(Stanza original, List<SottoEncrypted> elements) {
        if (elements.isEmpty()) {
            throw new IllegalArgumentException("no payload");
        }
        if (original instanceof IQ) {
            return OuterStanzas.iq((IQ) original, elements.get(0));
        }
        if (original instanceof Presence) {
            Presence first = OuterStanzas.presence((Presence) original, elements.get(0));
            var builder = first.asBuilder();
            elements.stream().skip(1).forEach(builder::addExtension);
            return builder.build();
        }
        Message first = OuterStanzas.message((Message) original, elements.get(0));
        var builder = first.asBuilder();
        elements.stream().skip(1).forEach(builder::addExtension);
        return builder.build();
    }

    /** {@code message} with one more element (the handshake's last step travelling with the first content). */
    static Message withElement(Message message, SottoEncrypted element) {
        return message.asBuilder().addExtension(element).build();
    }

    /** Sends a handshake step or a setup message; one lost with the connection is not reported (see below). */
    static void sendQuietly(XMPPConnection connection, Stanza stanza) {
        try {
            connection.sendStanza(stanza);
        } catch (SmackException.NotConnectedException | InterruptedException e) {
            // A handshake step lost with the connection is retried by the initiator's timeout.
        }
    }
}
