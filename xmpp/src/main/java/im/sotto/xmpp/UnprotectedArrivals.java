package im.sotto.xmpp;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.filter.StanzaFilter;
import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.roster.Roster;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;

/**
 * Reports the messages Sotto does not decrypt: first offered to the {@link IncomingHandler} registered for a
 * namespace they carry (another scheme's decryption), then, if none claimed them, classified
 * ({@link IncomingClassifier}) and reported as {@link SecurityEvent.UnencryptedMessage} or
 * {@link SecurityEvent.ForeignEncryption}; a carbon copy our server did not make is reported as
 * {@link SecurityEvent.ForgedCarbon} and not read. Reads the store (is the sender known?) and writes nothing: such a
 * message can never change a session or a trust decision. Worker thread only.
 */
final class UnprotectedArrivals {
    private static final Logger LOG = Logger.getLogger(UnprotectedArrivals.class.getName());

    /** Every message without a Sotto element; the classifier decides which of them the user hears about. */
    static final StanzaFilter FILTER = stanza -> stanza instanceof Message
            && !stanza.hasExtension(SottoEncrypted.ELEMENT, SottoEncrypted.NAMESPACE);

    private final SottoAccount account;
    private final XMPPConnection connection;
    private final Consumer<SecurityEvent> events;
    private final Map<String, IncomingHandler> handlers = new ConcurrentHashMap<>();

    UnprotectedArrivals(SottoAccount account, XMPPConnection connection, Consumer<SecurityEvent> events) {
        this.account = account;
        this.connection = connection;
        this.events = events;
    }

    /** Registers the handler for {@code namespace}; one per namespace. */
    void register(String namespace, IncomingHandler handler) {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(handler, "handler");
        if (handlers.putIfAbsent(namespace, handler) != null) {
            throw new IllegalStateException("a handler for " + namespace + " is already registered");
        }
    }

    void receive(Message message) {
        java.util.Optional<SecurityEvent.ForgedCarbon> forged = ForgedCarbons.check(message, self());
        if (forged.isPresent()) {
            events.accept(forged.get());
            return;
        }
        if (claimed(message)) {
            return;
        }
        IncomingClassifier.classify(message).ifPresent(arrival -> {
            Jid from = message.getFrom();
            BareJid peer = from != null ? from.asBareJid() : self();
            boolean stranger = isStranger(peer);
            if (arrival instanceof IncomingClassifier.Arrival.Unencrypted plain) {
                events.accept(new SecurityEvent.UnencryptedMessage(peer, from, message.getStanzaId(), plain.body(),
                        stranger));
            } else if (arrival instanceof IncomingClassifier.Arrival.Foreign foreign) {
                events.accept(new SecurityEvent.ForeignEncryption(peer, from, message.getStanzaId(), foreign.scheme(),
                        stranger));
            }
        });
    }

    private boolean claimed(Message message) {
        if (handlers.isEmpty()) {
            return false;
        }
        for (ExtensionElement extension : message.getExtensions()) {
            IncomingHandler handler = handlers.get(extension.getNamespace());
            if (handler == null) {
                continue;
            }
            try {
                if (handler.claim(message)) {
                    return true;
                }
            } catch (RuntimeException e) {
                // A failing handler must not make the message vanish: it is reported as foreign instead.
                LOG.log(Level.WARNING, "the handler for " + extension.getNamespace() + " failed", e);
            }
        }
        return false;
    }

    /** Neither in the roster nor known to Sotto (no trust record, no session): someone the user never dealt with. */
    private boolean isStranger(BareJid peer) {
        if (peer == null || peer.equals(self())) {
            return false;
        }
        if (Roster.getInstanceFor(connection).getEntry(peer) != null) {
            return false;
        }
        return account.store().transact(stores -> stores.identities().peerTrust(peer.toString()).isEmpty()
                && stores.sessions().devices(peer.toString()).isEmpty());
    }

    private BareJid self() {
        EntityFullJid user = connection.getUser();
        return user == null ? null : user.asBareJid();
    }
}
