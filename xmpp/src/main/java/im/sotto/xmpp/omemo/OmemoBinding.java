package im.sotto.xmpp.omemo;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

import im.sotto.protocol.omemo.OmemoBundle;
import im.sotto.protocol.omemo.OmemoDeviceTrust;
import im.sotto.protocol.omemo.OmemoIdentityKey;
import im.sotto.protocol.omemo.OmemoNegotiation;
import im.sotto.protocol.omemo.OmemoPreKeys;
import im.sotto.protocol.omemo.OmemoStores;
import im.sotto.protocol.omemo.OmemoTrustLevel;
import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SendFailure;
import im.sotto.xmpp.SottoSendException;
import im.sotto.xmpp.pep.BundlePublisher;
import im.sotto.xmpp.pep.PepException;
import im.sotto.xmpp.pep.PepRequests;

import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smackx.carbons.CarbonManager;
import org.jxmpp.jid.BareJid;

/**
 * OMEMO 0.3 on one connection, next to Sotto (docs/protocol.md §10): publishes this device's OMEMO bundle and device
 * list, decrypts incoming OMEMO messages and delivers them labelled {@code SessionOrigin.OMEMO}, and routes outgoing
 * messages: Sotto when the contact has Sotto, OMEMO only when it has no Sotto device and was never seen with Sotto.
 * All work runs on the executor it is given (the Sotto manager's worker), so listeners see one thread and one order.
 */
public final class OmemoBinding {
    private final XMPPConnection connection;
    private final AccountStore store;
    private final SecureRandom random;
    private final Clock clock;
    private final Executor worker;
    private final Consumer<SecurityEvent> events;
    private final Consumer<DecryptedStanza> deliveries;
    private final OmemoPep pep;
    private final OmemoReceiver receiver;
    private final OmemoSender sender;
    /** OMEMO 2, preferred over 0.3 for a contact that offers it (docs/protocol.md 10.15). */
    private final im.sotto.xmpp.omemo2.Omemo2Binding omemo2;
    /**
     * Off until {@link #enable()}: no bundle is published and sends take the Sotto path without looking for OMEMO
     * devices, so a Sotto-only deployment sends not one stanza more. Receiving is always on (an OMEMO message can
     * only arrive for a device that published once).
     */
    private volatile boolean enabled;
    /** Carbons (XEP-0280) of what our other OMEMO devices sent and of what contacts sent them (10.12). */
    private final OmemoCarbons carbons;
    /** With a Sotto account: the OMEMO element beside Sotto's for a contact's OMEMO-only devices (10.13). */
    private final Optional<OmemoCompanionElements> companion;

    /** On a Sotto manager's connection: OMEMO beside Sotto, with the companion element (docs/protocol.md 10.13). */
    public OmemoBinding(XMPPConnection connection, im.sotto.xmpp.SottoAccount account, SecureRandom random,
            Clock clock, Executor worker, Consumer<SecurityEvent> events, Consumer<DecryptedStanza> deliveries) {
        this(connection, account.store(), account, random, clock, worker, events, deliveries);
    }

    /** OMEMO alone (no Sotto account), as an OMEMO-only client. */
    public OmemoBinding(XMPPConnection connection, AccountStore store, SecureRandom random, Clock clock,
            Executor worker, Consumer<SecurityEvent> events, Consumer<DecryptedStanza> deliveries) {
        this(connection, store, null, random, clock, worker, events, deliveries);
    }

    private OmemoBinding(XMPPConnection connection, AccountStore store, im.sotto.xmpp.SottoAccount account,
            SecureRandom random, Clock clock, Executor worker, Consumer<SecurityEvent> events,
            Consumer<DecryptedStanza> deliveries) {
        this.connection = Objects.requireNonNull(connection);
        this.store = Objects.requireNonNull(store);
        this.random = random;
        this.clock = clock;
        this.worker = worker;
        this.events = events;
        this.deliveries = deliveries;
        this.pep = new OmemoPep(connection);
        this.receiver = new OmemoReceiver(store, random, clock);
        this.sender = new OmemoSender(store, pep, random, clock, (owner, devices, stanzaId) -> events.accept(
                new SecurityEvent.OmemoDevicesNotApproved(org.jxmpp.jid.impl.JidCreate.bareFromOrThrowUnchecked(
                        owner), devices, stanzaId, "OMEMO")));
        this.omemo2 = new im.sotto.xmpp.omemo2.Omemo2Binding(connection, store, random, clock, events, deliveries);
        this.carbons = new OmemoCarbons(connection, receiver, this, worker, events, deliveries);
        this.companion = account == null ? Optional.empty()
                : Optional.of(new OmemoCompanionElements(connection, account, this, sender, events, clock));
    }

    /** OMEMO 2 on this connection: its device id, fingerprint, devices met, trust decisions, receive hook. */
    public im.sotto.xmpp.omemo2.Omemo2Binding omemo2() {
        return omemo2;
    }

    /**
     * Lets Smack parse OMEMO elements (call before login, like the Sotto manager). The messages themselves reach
     * {@link #receive} through the manager's handler for the axolotl namespace ({@code IncomingHandler}), on its
     * worker, in order with Sotto's own stanzas; what no handler claims is reported as foreign encryption.
     */
    public void start() {
        AxolotlProviders.register();
        im.sotto.xmpp.omemo2.Omemo2Providers.register();
    }

    /**
     * Turns OMEMO on: publishes (and asks for carbons) now if logged in, and on every login; sends negotiate Sotto
     * or OMEMO.
     */
    public synchronized void enable() {
        if (!enabled) {
            carbons.listen();
        }
        enabled = true;
        if (connection.isAuthenticated()) {
            worker.execute(this::loggedIn);
        }
    }

    public boolean enabled() {
        return enabled;
    }

    /** The manager's login hook: asks for carbons where the server offers them and publishes, when enabled. */
    public void loggedIn() {
        if (enabled) {
            OmemoCarbons.enableNow(CarbonManager.getInstanceFor(connection));
            publish();
            omemo2.publish();
            companion.ifPresent(OmemoCompanionElements::publishSide);
        }
    }

    /**
     * The hook for the manager's receive path: decrypts one stanza carrying the axolotl {@code <encrypted>},
     * delivers or reports it, and republishes the bundle when a one-time prekey was used. Worker thread only.
     */
    public OmemoReceipt receive(Message stanza) {
        OmemoReceipt receipt = receiver.receive(stanza);
        if (receipt instanceof OmemoReceipt.Delivered delivered) {
            deliveries.accept(delivered.stanza());
        } else if (receipt instanceof OmemoReceipt.Refused refused) {
            events.accept(new SecurityEvent.OmemoUndecryptable(refused.peer(), stanza.getFrom(),
                    stanza.getStanzaId(), refused.deviceId(), refused.reason(), refused.detail()));
        }
        if (receipt.republish()) {
            publish();
        }
        return receipt;
    }

    /** Publishes this device's OMEMO bundle and adds it to the device list; a failure is a PublishFailed event. */
    public void publish() {
        try {
            publishOrThrow();
        } catch (PepException e) {
            events.accept(new SecurityEvent.PublishFailed(null, "OMEMO: " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The account's own-node reads {@link #loggedIn} makes, to send ahead ({@code PepReadAhead.readAhead}). */
    public java.util.List<org.jivesoftware.smack.packet.IQ> loginReads() {
        if (!enabled || connection.getUser() == null) {
            return java.util.List.of();
        }
        BareJid self = connection.getUser().asBareJid();
        java.util.List<org.jivesoftware.smack.packet.IQ> reads = new java.util.ArrayList<>(
                OmemoPep.loginReads(self, deviceId()));
        reads.addAll(im.sotto.xmpp.omemo2.Omemo2Pep.loginReads(self, omemo2.deviceId()));
        companion.ifPresent(c -> reads.add(PepRequests.itemsRequest(self, im.sotto.xmpp.pep.PepNodes.OMEMO_SIDES)));
        return reads;
    }

    public AxolotlDeviceList publishOrThrow() throws PepException, InterruptedException {
        OmemoBundle bundle = store.transact(s -> keys(s.omemo()).bundle());
        return pep.publish(bundle);
    }

    /**
     * Sends {@code message} by the protocol the contact gets (worker thread): OMEMO when {@link OmemoNegotiation}
     * says so, else {@code sottoPath} (Sotto's own send, which queues and reports when no session can be made). A
     * contact seen with Sotto that shows only OMEMO devices raises {@link SecurityEvent.OmemoDowngradeRefused}
     * and stays on the Sotto path. On the Sotto path the stanza may also carry an OMEMO element for the contact's
     * OMEMO-only devices ({@link OmemoCompanionElements}, docs/protocol.md 10.13).
     */
    public CompletableFuture<Void> route(Message message, Supplier<CompletableFuture<Void>> sottoPath) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!enabled) {
            return sottoPath.get();
        }
        worker.execute(() -> {
            try {
                OmemoNegotiation.Choice choice = choose(message.getTo().asBareJid());
                if (choice == OmemoNegotiation.Choice.OMEMO_2) {
                    omemo2.send(message, omemo2Devices -> omemo03Only(message, omemo2Devices));
                    done.complete(null);
                    return;
                }
                if (choice == OmemoNegotiation.Choice.OMEMO) {
                    sendOmemo(message);
                    done.complete(null);
                    return;
                }
                if (choice == OmemoNegotiation.Choice.REFUSED_DOWNGRADE) {
                    events.accept(new SecurityEvent.OmemoDowngradeRefused(message.getTo().asBareJid(),
                            message.getStanzaId(), omemoDeviceCount(message.getTo().asBareJid())));
                }
                if (choice == OmemoNegotiation.Choice.SOTTO && companion.isPresent()) {
                    companion.get().prepare(message);
                }
                sottoPath.get().whenComplete((v, e) -> {
                    companion.ifPresent(c -> c.ended(message.getStanzaId()));
                    if (e == null) {
                        done.complete(v);
                    } else {
                        done.completeExceptionally(e);
                    }
                });
            } catch (OmemoSendException e) {
                events.accept(new SecurityEvent.SendFailed(message.getTo().asBareJid(), message.getStanzaId(),
                        SendFailure.PEER_HAS_NO_SOTTO, "OMEMO: " + e.getMessage()));
                done.completeExceptionally(new SottoSendException(SendFailure.PEER_HAS_NO_SOTTO,
                        e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                done.completeExceptionally(e);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /**
     * The OMEMO 0.3 element for the listed devices that are not among {@code omemo2Devices} (a contact's phone on
     * an OMEMO 0.3-only client beside its OMEMO 2 desktop); empty when there are none or none can be reached.
     */
    private Optional<org.jivesoftware.smack.packet.ExtensionElement> omemo03Only(Message message,
            java.util.Set<SessionAddress> omemo2Devices) throws InterruptedException {
        try {
            Message older = sender.encrypt(message, connection.getUser().asBareJid(),
                    device -> !omemo2Devices.contains(device));
            return Optional.ofNullable(older.getExtension(AxolotlEncrypted.class));
        } catch (OmemoSendException e) {
            return Optional.empty();
        }
    }

    /** Encrypts with OMEMO and sends now, without negotiation (worker thread; the caller decided). */
    public void sendOmemo(Message message) throws OmemoSendException, InterruptedException {
        Message outer = sender.encrypt(message, connection.getUser().asBareJid());
        try {
            connection.sendStanza(outer);
        } catch (org.jivesoftware.smack.SmackException.NotConnectedException e) {
            throw new OmemoSendException(OmemoSendException.Kind.PEP_FAILED, "not connected");
        }
    }

    /** The protocol {@code peer} gets now (network: device lists). Worker thread. */
    public OmemoNegotiation.Choice choose(BareJid peer) throws InterruptedException {
        // A Sotto session with any of its devices proves the contact has Sotto: no network needed. "Seen with Sotto"
        // for stickiness is a pinned Sotto account key (the contact answered once), which outlives its sessions.
        if (store.transact(s -> !s.sessions().devices(peer.toString()).isEmpty())) {
            return OmemoNegotiation.Choice.SOTTO;
        }
        boolean seenWithSotto = store.transact(s -> s.identities().peerTrust(peer.toString()).isPresent());
        int sottoDevices;
        try {
            sottoDevices = new BundlePublisher(connection).fetchDeviceList(peer).size();
        } catch (PepException e) {
            sottoDevices = 0;
        }
        if (sottoDevices > 0) {
            return OmemoNegotiation.Choice.SOTTO;
        }
        return OmemoNegotiation.choose(seenWithSotto, 0, omemo2.deviceCount(peer), omemo03DeviceCount(peer));
    }

    /** Both OMEMO versions' devices of {@code peer} (for the downgrade report). */
    private int omemoDeviceCount(BareJid peer) throws InterruptedException {
        return omemo03DeviceCount(peer) + omemo2.deviceCount(peer);
    }

    private int omemo03DeviceCount(BareJid peer) throws InterruptedException {
        try {
            return sender.devices(peer).size();
        } catch (PepException e) {
            return 0;
        }
    }

    /** This device's OMEMO device id and identity key (created on first use). */
    public int deviceId() {
        return store.transact(s -> keys(s.omemo()).deviceId());
    }

    public OmemoIdentityKey identityKey() {
        return store.transact(s -> keys(s.omemo()).identityKey());
    }

    /** The OMEMO devices of {@code peer} this account has met (from the store, no network). */
    public List<OmemoDeviceInfo> devices(BareJid peer) {
        return store.transact(s -> {
            List<OmemoDeviceInfo> out = new ArrayList<>();
            for (SessionAddress a : s.omemo().identities().trustedDevices(peer.toString())) {
                Optional<OmemoDeviceTrust> t = OmemoReceiver.pinned(s.omemo(), a);
                if (t.isPresent()) {
                    out.add(new OmemoDeviceInfo(a.peer(), a.deviceId(), t.get().identityKey(), t.get().level(),
                            s.omemo().sessions().load(a).isPresent()));
                }
            }
            return out;
        });
    }

    /** The accounts with OMEMO devices this account has met (from the store), sorted. */
    public List<String> contacts() {
        return store.transact(s -> s.omemo().identities().allTrustedDevices().stream().map(SessionAddress::peer)
                .distinct().sorted().toList());
    }

    /** Sets the trust level of one of {@code peer}'s OMEMO devices; false if the device is unknown. */
    public boolean setTrust(BareJid peer, long deviceId, OmemoTrustLevel level) {
        SessionAddress device = new SessionAddress(peer.toString(), deviceId);
        return store.transact(s -> {
            Optional<OmemoDeviceTrust> t = OmemoReceiver.pinned(s.omemo(), device);
            t.ifPresent(trust -> s.omemo().identities().storeTrustRecord(device, trust.withLevel(level).encode()));
            return t.isPresent();
        });
    }

    private OmemoPreKeys keys(OmemoStores omemo) {
        return OmemoPreKeys.open(omemo.device(), omemo.preKeys(), random, clock);
    }
}
