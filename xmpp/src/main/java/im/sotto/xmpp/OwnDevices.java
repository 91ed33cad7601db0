package im.sotto.xmpp;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.session.SessionRecord;
import im.sotto.protocol.session.TrustRecords;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.store.Stores;
import im.sotto.protocol.trust.ContactTrust;
import im.sotto.xmpp.envelope.EnvelopeException;
import im.sotto.xmpp.pep.BundlePublisher;
import im.sotto.xmpp.pep.DeviceId;
import im.sotto.xmpp.pep.PepException;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.packet.id.StandardStanzaIdSource;
import org.jivesoftware.smackx.carbons.CarbonCopyReceivedListener;
import org.jivesoftware.smackx.carbons.CarbonManager;
import org.jivesoftware.smackx.carbons.packet.CarbonExtension;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;

/**
 * This account's other devices in every conversation (issue #19, docs/protocol.md 7.9). Sessions with them are stored
 * under our own bare JID like any peer's; what this device sends to a contact also carries one element per such
 * session, so our other devices read it from the server's carbon copy (XEP-0280) or from the archive. Our own
 * account key is pinned for our own JID, so a device under our JID counts as ours only if our account key certified
 * it. Worker thread only, except {@link #copyListener}, which hands copies to the worker.
 */
final class OwnDevices {
    private final SottoAccount account;
    private final XMPPConnection connection;
    private final SessionCrypto crypto;

    OwnDevices(SottoAccount account, XMPPConnection connection, SessionCrypto crypto) {
        this.account = account;
        this.connection = connection;
        this.crypto = crypto;
    }

    /**
     * After each login: pins our own account key for our own JID; if the account lists other devices, asks for
     * carbons and starts a session (one offline first message each, from their bundles) with every other device that
     * has none, so that what this device sends from now on reaches them. Failures are quiet: a device whose bundle
     * is missing or not signed by our account key gets nothing, and is tried again at the next login.
     */
    void afterLogin() {
        EntityFullJid self = connection.getUser();
        if (self == null) {
            return;
        }
        BareJid own = self.asBareJid();
        account.store().transact(stores -> {
            pinOwnKey(stores, own, account.identity().publicKey(), account);
            return null;
        });
        try {
            BundlePublisher pep = new BundlePublisher(connection);
            Set<Long> others = new HashSet<>();
            for (DeviceId device : pep.fetchDeviceList(own)) {
                if (device.value() != account.device().deviceId()) {
                    others.add((long) device.value());
                }
            }
            if (others.isEmpty()) {
                return;
            }
            enableCarbons();
            Set<Long> withSession = account.store().transact(stores -> {
                Set<Long> ids = new HashSet<>();
                stores.sessions().devices(own.toString()).forEach(a -> ids.add(a.deviceId()));
                return ids;
            });
            Map<Long, byte[]> bundles = new HashMap<>();
            for (long device : others) {
                if (!withSession.contains(device)) {
                    try {
                        bundles.put(device, pep.fetchBundle(own, DeviceId.of((int) device)));
                    } catch (PepException e) {
                        // No bundle (a device gone without removing itself): nothing to start with it.
                    }
                }
            }
            if (bundles.isEmpty()) {
                return;
            }
            SessionCrypto.FirstMessages first = crypto.encryptFirstMessages(setupMessage(own), self, bundles, 0,
                    false);
            if (first.outer() != null) {
                connection.sendStanza(first.outer());
            }
        } catch (PepException | EnvelopeException | SmackException.NotConnectedException e) {
            // No device list, or the connection went: the next login tries again.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void enableCarbons() throws InterruptedException {
        CarbonManager carbons = CarbonManager.getInstanceFor(connection);
        try {
            if (carbons.isSupportedByServer() && !carbons.getCarbonsEnabled()) {
                carbons.setCarbonsEnabled(true);
            }
        } catch (SmackException | XMPPException e) {
            // Without carbons our other online devices miss what this one sends until they read the archive.
        }
    }

    /**
     * Pins our own account key for our own JID (replacing whatever else a first contact pinned there before this
     * existed, and dropping sessions made under it): a device of ours proves our account key, and a device under our
     * JID that proves another is reported as a key change and never trusted.
     */
    static void pinOwnKey(Stores stores, BareJid own, AccountPublicKey ours, SottoAccount account) {
        Optional<ContactTrust> trust = TrustRecords.load(stores, CoreJid.of(own), account.clock());
        if (trust.isPresent() && trust.get().pinnedKey().equals(ours)) {
            return;
        }
        for (SessionAddress address : stores.sessions().devices(own.toString())) {
            stores.sessions().delete(address);
        }
        TrustRecords.store(stores, CoreJid.of(own), ContactTrust.onFirstContact(own.toString(), ours,
                account.clock()));
    }

    /**
     * Whether a session under our own JID may carry a copy: the device proved our own account key, or it has not
     * answered our first message yet, whose bundle was checked against our pinned account key when it was made.
     */
    static boolean mayCopyTo(SessionRecord record, SottoAccount account) {
        Optional<DeviceCertificate> certificate = record.certificate(account.certificates());
        return certificate.map(c -> c.accountKey().equals(account.identity().publicKey()))
                .orElse(record.peerCertificate().isEmpty());
    }

    /**
     * Only what a person writes is copied: messages with a body to someone else (a note to self reaches our devices
     * anyway). Receipts and other bodiless messages are not: our other device would take a receipt we send for the
     * contact's confirmation of one of its own messages.
     */
    static boolean copied(Stanza inner, BareJid self) {
        return inner instanceof Message message && message.getBody() != null && inner.getTo() != null
                && !inner.getTo().asBareJid().equals(self);
    }

    /** The content-less message that carries the first messages to our other devices; never shown. */
    static Message setupMessage(BareJid own) {
        return StanzaBuilder.buildMessage(StandardStanzaIdSource.DEFAULT.getNewStanzaId()).to(own).build();
    }

    /** True for {@link #setupMessage} as our other device decrypted it: nothing to show. */
    static boolean isSetup(DecryptedStanza decrypted, BareJid self) {
        return decrypted.peer().equals(self) && decrypted.stanza() instanceof Message message
                && message.getBody() == null && message.getExtensions().isEmpty();
    }

    /**
     * A stanza of ours that another device of ours sent to a contact (read from a carbon copy or the archive): the
     * contact becomes its conversation ({@code peer}), while its sender stays our device, which is how the
     * application tells the user's own lines. Anything else is returned as it is.
     */
    static DecryptedStanza asYours(DecryptedStanza decrypted, Stanza outer, BareJid self) {
        Jid to = outer.getTo();
        if (!decrypted.peer().equals(self) || to == null || to.asBareJid().equals(self)) {
            return decrypted;
        }
        return new DecryptedStanza(decrypted.stanza(), to.asBareJid(), decrypted.deviceId(),
                decrypted.accountFingerprint(), decrypted.trust(), decrypted.authenticated(),
                decrypted.deviceApproved(), decrypted.sas(), decrypted.origin(), decrypted.sentAt(),
                decrypted.continuity());
    }

    /**
     * Whether a stanza nothing here opens was simply not for this device, so that it is neither reported nor healed
     * (a heal would go to a resource that may be long gone); forgeries and duplicates still are reported:
     * <ul>
     * <li>read again (a carbon or the archive) from our own account: what our other devices sent to a contact
     * carries elements for that contact's devices and ours, and this device's own sends of an earlier run (each run
     * has a resource of its own) come back the same way;</li>
     * <li>addressed to another full JID of ours: a server delivers a message for a resource that went offline to the
     * account's other resources (RFC 6121 8.5.3.2.1), e.g. a contact's confirmation of a session with our other
     * device, and copies what a contact sent to our other resource (a "received" carbon).</li>
     * </ul>
     */
    static boolean forAnotherDevice(Stanza outer, EntityFullJid self, boolean readAgain,
            UndecryptableReason reason) {
        if (reason != UndecryptableReason.NOT_FOR_THIS_DEVICE
                && reason != UndecryptableReason.NO_SESSION
                && reason != UndecryptableReason.BROKEN_SESSION) {
            return false;
        }
        Jid to = outer.getTo();
        boolean ours = outer.getFrom() != null && outer.getFrom().asBareJid().equals(self.asBareJid());
        return readAgain && ours || to != null && to.isEntityFullJid() && !to.equals(self);
    }

    /**
     * {@code outer} with our bare JID as its recipient when it comes from our own account without one: a server
     * removes the 'to' of what a resource sends to its own bare JID (Prosody does; RFC 6120 10.3 reads a missing
     * 'to' as the account itself), which is how a note to self and the first messages to our other devices arrive,
     * live and from the archive. Anything else is returned as it is.
     */
    static Stanza addressed(Stanza outer, EntityFullJid self) {
        Jid from = outer.getFrom();
        if (outer.getTo() != null || from == null || self == null || !from.asBareJid().equals(self.asBareJid())
                || !(outer instanceof Message message)) {
            return outer;
        }
        return message.asBuilder().to(self.asBareJid()).build();
    }

    /** An archived message another device of ours sent (to anyone): its content may be a copy for this device. */
    static boolean fromAnotherOwnDevice(Jid from, EntityFullJid self) {
        return from != null && self != null && from.isEntityFullJid() && from.asBareJid().equals(self.asBareJid())
                && !from.equals(self);
    }

    /**
     * Hands the server's carbon copies of Sotto messages to {@code receive}: "sent" copies of what another resource
     * of ours sent, and "received" copies of what a contact sent to another resource of ours. Only our own server
     * makes them (the wrapper comes from our bare JID, XEP-0280's security considerations): any other is ignored.
     */
    static CarbonCopyReceivedListener copyListener(XMPPConnection connection, Consumer<Message> receive) {
        return (direction, copy, wrapper) -> {
            if (readsCarbon(direction, copy, wrapper.getFrom(), connection.getUser())) {
                receive.accept(copy);
            }
        };
    }

    /** The decision of {@link #copyListener}: whether this device reads {@code copy}, wrapped by {@code wrapperFrom}. */
    static boolean readsCarbon(CarbonExtension.Direction direction, Message copy, Jid wrapperFrom,
            EntityFullJid self) {
        if (self == null || Wire.elementsOf(copy).isEmpty()) {
            return false;
        }
        BareJid own = self.asBareJid();
        Jid from = copy.getFrom();
        Jid to = copy.getTo();
        if (wrapperFrom == null || !wrapperFrom.equals(own) || from == null || to == null) {
            return false;
        }
        // A note to self reaches this device itself (live, offline storage or archive): its carbon would be a
        // second copy of the same message.
        boolean sent = direction == CarbonExtension.Direction.sent && fromAnotherOwnDevice(from, self)
                && !to.asBareJid().equals(own);
        boolean received = direction == CarbonExtension.Direction.received && to.asBareJid().equals(own)
                && !to.equals(self);
        return sent || received;
    }
}
