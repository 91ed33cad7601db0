package im.sotto.xmpp.link;

import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.StanzaListener;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;

/**
 * How the two devices of a link meet over XMPP (docs/protocol.md 12.5). It only carries bytes: what they mean and
 * every check on them is {@code im.sotto.protocol.link}. Both devices are logged in to the same account; each sends
 * a presence of priority -1 (so the server routes no message for the account to it and delivers no offline message
 * to it), the new device's with an empty {@code <link xmlns='urn:sotto:link:1'/>} saying it waits to be linked; the
 * server shows each the other's presence. The link messages are then {@code <message type='normal'>} between the two
 * full JIDs carrying {@code <link xmlns='urn:sotto:link:1'>base64</link>} and a no-store hint. Only stanzas from the
 * account's own other resources are taken.
 */
public final class LinkChannel implements AutoCloseable {
    public static final String ELEMENT = "link";
    public static final String NAMESPACE = "urn:sotto:link:1";
    /** Below zero: the server delivers no offline message and routes no bare-JID message to a link connection. */
    static final int PRIORITY = -1;
    /** A link message is a few hundred bytes; a larger payload is not one of ours and is dropped unread. */
    static final int MAX_PAYLOAD_CHARACTERS = 4096;

    /** A link message from another resource of the account. */
    public record Incoming(EntityFullJid from, byte[] message) {
    }

    private final XMPPConnection connection;
    private final EntityBareJid account;
    private final StanzaListener messages;
    private final StanzaListener presences;

    private LinkChannel(XMPPConnection connection, Consumer<Incoming> onMessage, Consumer<EntityFullJid> onWaiting) {
        this.connection = connection;
        this.account = connection.getUser().asEntityBareJid();
        this.messages = stanza -> payload(stanza).ifPresent(bytes -> onMessage.accept(
                new Incoming(stanza.getFrom().asEntityFullJidIfPossible(), bytes)));
        this.presences = stanza -> onWaiting.accept(stanza.getFrom().asEntityFullJidIfPossible());
    }

    /**
     * Starts listening on a logged-in {@code connection}: link messages go to {@code onMessage}, resources of the
     * account that wait to be linked to {@code onWaiting}.
     */
    public static LinkChannel open(XMPPConnection connection, Consumer<Incoming> onMessage,
            Consumer<EntityFullJid> onWaiting) {
        Objects.requireNonNull(connection.getUser(), "log in first");
        LinkChannel channel = new LinkChannel(connection, onMessage, onWaiting);
        connection.addAsyncStanzaListener(channel.messages, stanza -> stanza instanceof Message
                && channel.fromOtherOwnResource(stanza) && stanza.hasExtension(ELEMENT, NAMESPACE));
        connection.addAsyncStanzaListener(channel.presences, stanza -> stanza instanceof Presence p
                && p.getType() == Presence.Type.available && channel.fromOtherOwnResource(stanza)
                && stanza.hasExtension(ELEMENT, NAMESPACE));
        return channel;
    }

    /** Tells the account's other resources that this one is here; {@code waiting}: waiting to be linked. */
    public void announce(boolean waiting) throws SmackException.NotConnectedException, InterruptedException {
        var presence = StanzaBuilder.buildPresence().ofType(Presence.Type.available).setPriority(PRIORITY);
        if (waiting) {
            presence.addExtension(StandardExtensionElement.builder(ELEMENT, NAMESPACE).build());
        }
        connection.sendStanza(presence.build());
    }

    /** Sends one link message to {@code to}, a full JID of the same account. */
    public void send(EntityFullJid to, byte[] message) throws SmackException.NotConnectedException,
            InterruptedException {
        if (!to.asEntityBareJid().equals(account)) {
            throw new IllegalArgumentException("link messages go to the account's own resources only");
        }
        connection.sendStanza(StanzaBuilder.buildMessage().to(to).ofType(Message.Type.normal)
                .addExtension(StandardExtensionElement.builder(ELEMENT, NAMESPACE)
                        .setText(Base64.getEncoder().encodeToString(message)).build())
                .addExtension(StandardExtensionElement.builder("no-store", "urn:xmpp:hints").build())
                .build());
    }

    private boolean fromOtherOwnResource(Stanza stanza) {
        Jid from = stanza.getFrom();
        return from != null && from.isEntityFullJid() && from.asBareJid().equals(account)
                && !from.equals(connection.getUser());
    }

    private static Optional<byte[]> payload(Stanza stanza) {
        ExtensionElement element = stanza.getExtension(ELEMENT, NAMESPACE);
        if (!(element instanceof StandardExtensionElement link) || link.getText() == null
                || link.getText().length() > MAX_PAYLOAD_CHARACTERS) {
            return Optional.empty();
        }
        try {
            return Optional.of(Base64.getDecoder().decode(link.getText().strip()));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // not base64: not a link message
        }
    }

    @Override
    public void close() {
        connection.removeAsyncStanzaListener(messages);
        connection.removeAsyncStanzaListener(presences);
    }
}
