package im.sotto.xmpp.omemo2;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import im.sotto.protocol.omemo.OmemoStores;
import im.sotto.protocol.omemo.OmemoTrustLevel;
import im.sotto.protocol.omemo2.Omemo2Bundle;
import im.sotto.protocol.omemo2.Omemo2DeviceTrust;
import im.sotto.protocol.omemo2.Omemo2IdentityKey;
import im.sotto.protocol.omemo2.Omemo2LocalKeys;
import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.omemo.OmemoSendException;
import im.sotto.xmpp.omemo.OwnSentCopies;
import im.sotto.xmpp.pep.PepException;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.packet.Message;
import org.jxmpp.jid.BareJid;

/**
 * OMEMO 2 on one connection, beside OMEMO 0.3 and under the same rules (docs/protocol.md 10.15): publishes this
 * device's OMEMO 2 device list entry and bundle, decrypts incoming OMEMO 2 messages and delivers them labelled
 * {@code SessionOrigin.OMEMO_2}, and sends when the negotiation ({@code OmemoBinding.route}) chose OMEMO 2. Every
 * method runs on the Sotto manager's worker, as {@code OmemoBinding}'s do.
 */
public final class Omemo2Binding {
    private final XMPPConnection connection;
    private final AccountStore store;
    private final SecureRandom random;
    private final Clock clock;
    private final Consumer<SecurityEvent> events;
    private final Consumer<DecryptedStanza> deliveries;
    private final Omemo2Pep pep;
    private final Omemo2Receiver receiver;
    private final Omemo2Sender sender;

    public Omemo2Binding(XMPPConnection connection, AccountStore store, SecureRandom random, Clock clock,
            Consumer<SecurityEvent> events, Consumer<DecryptedStanza> deliveries) {
        this.connection = Objects.requireNonNull(connection);
        this.store = Objects.requireNonNull(store);
        this.random = random;
        this.clock = clock;
        this.events = events;
        this.deliveries = deliveries;
        this.pep = new Omemo2Pep(connection);
        this.receiver = new Omemo2Receiver(store, random, clock);
        this.sender = new Omemo2Sender(store, pep, random, clock, (owner, devices, stanzaId) -> events.accept(
                new SecurityEvent.OmemoDevicesNotApproved(org.jxmpp.jid.impl.JidCreate.bareFromOrThrowUnchecked(
                        owner), devices, stanzaId, "OMEMO 2")));
    }

    /** Decrypts one stanza carrying OMEMO 2's {@code <encrypted>}, delivers or reports it. Worker thread. */
    public Omemo2Receipt receive(Message stanza) {
        Omemo2Receipt receipt = receiver.receive(stanza, connection.getUser().asBareJid());
        report(receipt, stanza, stanza);
        return receipt;
    }

    /**
     * The receive hook: false, reporting nothing, for a stanza that also carries an OMEMO 0.3 element and has no
     * OMEMO 2 key for this device (a sender that reached this device by OMEMO 0.3: that element is read instead);
     * otherwise {@link #receive} and true.
     */
    public boolean claim(Message stanza) {
        Omemo2Encrypted element = stanza.getExtension(Omemo2Encrypted.class);
        if (element != null && element.malformedReason().isEmpty()
                && stanza.hasExtension(im.sotto.xmpp.omemo.AxolotlEncrypted.QNAME)
                && element.keyFor(connection.getUser().asBareJid().toString(), deviceId()).isEmpty()) {
            return false;
        }
        receive(stanza);
        return true;
    }

    /** A copy of what another OMEMO 2 device of this account sent (a sent carbon): shown as the user's own. */
    public void receiveOwnSent(Message wrapper, Message copy) {
        Optional<Message> accepted = OwnSentCopies.accept(connection.getUser().asBareJid(), wrapper, copy);
        if (accepted.isPresent()) {
            report(receiver.receive(accepted.get(), connection.getUser().asBareJid()), copy, null);
        }
    }

    /** {@code received} null: a sent carbon, delivered as the user's own message to the copy's recipient. */
    private void report(Omemo2Receipt receipt, Message copy, Message received) {
        if (receipt instanceof Omemo2Receipt.Delivered delivered) {
            deliveries.accept(received != null ? delivered.stanza() : OwnSentCopies.yours(delivered.stanza(), copy));
        } else if (receipt instanceof Omemo2Receipt.Refused refused) {
            events.accept(new SecurityEvent.OmemoUndecryptable(refused.peer(), copy.getFrom(), copy.getStanzaId(),
                    refused.deviceId(), refused.reason(), "OMEMO 2" + (refused.detail().isEmpty() ? ""
                            : ": " + refused.detail())));
        }
        if (receipt.republish()) {
            publish();
        }
    }

    /** Publishes this device's OMEMO 2 bundle and list entry; a failure is a PublishFailed event. */
    public void publish() {
        try {
            publishOrThrow();
        } catch (PepException e) {
            events.accept(new SecurityEvent.PublishFailed(null, "OMEMO 2: " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Omemo2DeviceList publishOrThrow() throws PepException, InterruptedException {
        Omemo2Bundle bundle = store.transact(s -> keys(s.omemo2()).bundle());
        return pep.publish(bundle);
    }

    /** How many OMEMO 2 devices {@code peer} publishes now (network); 0 when its list cannot be read. */
    public int deviceCount(BareJid peer) throws InterruptedException {
        try {
            return sender.devices(peer).size();
        } catch (PepException e) {
            return 0;
        }
    }

    /**
     * Encrypts with OMEMO 2 and sends now (the caller negotiated). Devices of the contact or of our account that list
     * only OMEMO 0.3 get their key in an OMEMO 0.3 element of the same stanza, from {@code olderVersion} (given the
     * OMEMO 2 devices, it encrypts for the others; empty when there are none or they cannot be reached: OMEMO 2
     * already reached the contact). Worker thread.
     */
    public void send(Message message, OlderVersion olderVersion) throws OmemoSendException, InterruptedException {
        Omemo2Sender.Encrypted encrypted = sender.encrypt(message, connection.getUser().asBareJid());
        Message outer = encrypted.stanza();
        Optional<org.jivesoftware.smack.packet.ExtensionElement> older = olderVersion.encrypt(encrypted.listed());
        if (older.isPresent()) {
            outer = outer.asBuilder().addExtension(older.get()).build();
        }
        try {
            connection.sendStanza(outer);
        } catch (SmackException.NotConnectedException e) {
            throw new OmemoSendException(OmemoSendException.Kind.PEP_FAILED, "not connected");
        }
    }

    /** The OMEMO 2 devices {@code owner} lists now (network). */
    public List<Integer> listedDevices(BareJid owner) throws PepException, InterruptedException {
        return sender.devices(owner);
    }

    /**
     * The OMEMO 2 element for the listed devices {@code include} accepts that the user verified, in a stanza not sent
     * (the companion of a Sotto stanza: docs/protocol.md 10.13); the others are reported as awaiting approval.
     */
    public Omemo2Sender.Encrypted encryptVerified(Message message,
            java.util.function.Predicate<SessionAddress> include) throws OmemoSendException, InterruptedException {
        return sender.encrypt(message, connection.getUser().asBareJid(), include, true);
    }

    /** OMEMO 0.3's element for the devices that do not list OMEMO 2 (see {@link #send}). */
    @FunctionalInterface
    public interface OlderVersion {
        Optional<org.jivesoftware.smack.packet.ExtensionElement> encrypt(java.util.Set<SessionAddress> omemo2Devices)
                throws InterruptedException;
    }

    public int deviceId() {
        return store.transact(s -> keys(s.omemo2()).deviceId());
    }

    public Omemo2IdentityKey identityKey() {
        return store.transact(s -> keys(s.omemo2()).identityKey());
    }

    /** The OMEMO 2 devices of {@code peer} this account has met (from the store, no network). */
    public List<Omemo2DeviceInfo> devices(BareJid peer) {
        return store.transact(s -> {
            List<Omemo2DeviceInfo> out = new ArrayList<>();
            for (SessionAddress a : s.omemo2().identities().trustedDevices(peer.toString())) {
                Optional<Omemo2DeviceTrust> t = Omemo2Receiver.pinned(s.omemo2(), a);
                if (t.isPresent()) {
                    out.add(new Omemo2DeviceInfo(a.peer(), a.deviceId(), t.get().identityKey(), t.get().level(),
                            s.omemo2().sessions().load(a).isPresent()));
                }
            }
            return out;
        });
    }

    /** The accounts with OMEMO 2 devices this account has met (from the store), sorted. */
    public List<String> contacts() {
        return store.transact(s -> s.omemo2().identities().allTrustedDevices().stream().map(SessionAddress::peer)
                .distinct().sorted().toList());
    }

    /** Sets the trust level of one of {@code peer}'s OMEMO 2 devices; false if the device is unknown. */
    public boolean setTrust(BareJid peer, long deviceId, OmemoTrustLevel level) {
        SessionAddress device = new SessionAddress(peer.toString(), deviceId);
        return store.transact(s -> {
            Optional<Omemo2DeviceTrust> t = Omemo2Receiver.pinned(s.omemo2(), device);
            t.ifPresent(trust -> s.omemo2().identities().storeTrustRecord(device, trust.withLevel(level).encode()));
            return t.isPresent();
        });
    }

    private Omemo2LocalKeys keys(OmemoStores omemo2) {
        return Omemo2LocalKeys.open(omemo2.device(), omemo2.preKeys(), random, clock);
    }
}
