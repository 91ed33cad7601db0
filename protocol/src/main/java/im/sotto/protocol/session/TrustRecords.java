package im.sotto.protocol.session;

import java.time.Clock;
import java.util.Optional;

import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.store.Stores;
import im.sotto.protocol.trust.BareJid;
import im.sotto.protocol.trust.ContactTrust;
import im.sotto.protocol.trust.PeerDecision;
import im.sotto.protocol.trust.TrustRecordException;

/**
 * The session layer's access to the core's trust state ({@link ContactTrust}, one record per contact in
 * {@code IdentityStore.peerTrust}), in the caller's store transaction: loading (with the migration of the first
 * trust records, {@link LegacyPeerTrust}), deciding about a peer device, and whether stanzas to a contact must be
 * held. Every trust decision of the binding goes through here.
 */
public final class TrustRecords {
    private TrustRecords() {
    }

    /** Why messages to a contact wait for the user; the binding reports each as its own send failure. */
    public enum HoldReason {
        /** The user distrusted the contact. */
        DISTRUSTED,
        /** The contact presented a new account key that the user has not accepted. */
        KEY_CHANGED,
        /** The device the message is for (or every device with a session) awaits the user's approval. */
        DEVICE_NOT_APPROVED
    }

    /** Why messages to a contact wait for the user instead of going out, and what to tell the user. */
    public record Hold(HoldReason reason, String detail) {
    }

    public static Optional<ContactTrust> load(Stores stores, BareJid peer, Clock clock) {
        Optional<byte[]> record = stores.identities().peerTrust(peer.toString());
        if (record.isEmpty()) {
            return Optional.empty();
        }
        if (LegacyPeerTrust.isLegacy(record.get())) {
            ContactTrust migrated = LegacyPeerTrust.migrate(stores, peer, record.get(), clock);
            store(stores, peer, migrated);
            return Optional.of(migrated);
        }
        try {
            return Optional.of(ContactTrust.fromRecord(record.get()));
        } catch (TrustRecordException e) {
            throw new IllegalStateException("the trust record for " + peer + " cannot be read: " + e.getMessage(), e);
        }
    }

    public static void store(Stores stores, BareJid peer, ContactTrust trust) {
        stores.identities().storePeerTrust(peer.toString(), trust.toRecord());
    }

    /**
     * Decides about a device that proved {@code certificate} (a handshake, a first message, a first reply) and stores
     * what the decision records: the pin on first contact, an approved or pending device, a pending key change.
     */
    public static PeerDecision onCertificate(Stores stores, BareJid peer, DeviceCertificate certificate, Clock clock) {
        Optional<ContactTrust> before = load(stores, peer, clock);
        ContactTrust trust = before
                .orElseGet(() -> ContactTrust.onFirstContact(peer.toString(), certificate.accountKey(), clock));
        PeerDecision decision = trust.onPeerCertificate(certificate, clock);
        if (!before.map(decision.trust()::equals).orElse(false)) {
            store(stores, peer, decision.trust());
        }
        return decision;
    }

    /**
     * Whether a session may carry stanzas to a device: with no key pinned yet (our own first message, before the
     * peer's reply) yes, blindly; otherwise only if the core allows the device its certificate proves, or, for a
     * session whose peer has not proved one yet, only while the contact's new devices need no approval.
     */
    public static boolean maySendTo(Optional<ContactTrust> trust, Optional<DeviceCertificate> device, Clock clock) {
        if (trust.isEmpty()) {
            return true;
        }
        if (device.isPresent()) {
            return trust.get().onPeerCertificate(device.get(), clock).maySend();
        }
        return !trust.get().isDistrusted() && trust.get().pendingKeyChange().isEmpty()
                && !trust.get().level(clock).requiresDeviceApproval();
    }

    /**
     * {@link #maySendTo} for a stored session, without parsing its certificate again (a signature check per session
     * per stanza): a session is stored only after the core decided about the certificate it proved, under the pinned
     * key (sessions under another key are never stored, and accepting a new key drops the old ones), so its device
     * id says what the core would say.
     *
     * @param proved whether the session holds the peer's certificate (false: our first message, unanswered)
     */
    public static boolean maySendToSession(Optional<ContactTrust> trust, long deviceId, boolean proved, Clock clock) {
        if (trust.isEmpty()) {
            return true;
        }
        ContactTrust t = trust.get();
        if (t.isDistrusted() || t.pendingKeyChange().isPresent()) {
            return false;
        }
        if (!t.level(clock).requiresDeviceApproval()) {
            return true;
        }
        return proved && t.approvedDevices().contains(deviceId);
    }

    /**
     * Whether stanzas to {@code peer} must wait for a user decision: a distrust, a changed account key, or (when the
     * stanza is for one device, {@code target}) that device awaiting approval; also when every session the contact
     * has is with a device awaiting approval.
     */
    public static Optional<Hold> hold(Stores stores, BareJid peer, Optional<Long> target, Clock clock) {
        Optional<ContactTrust> trust = load(stores, peer, clock);
        if (trust.isEmpty()) {
            return Optional.empty();
        }
        ContactTrust t = trust.get();
        if (t.isDistrusted()) {
            return Optional.of(new Hold(HoldReason.DISTRUSTED, "you distrusted " + peer + "; nothing is sent until "
                    + "you verify it again"));
        }
        if (t.pendingKeyChange().isPresent()) {
            return Optional.of(new Hold(HoldReason.KEY_CHANGED, peer + " presented a new account key "
                    + t.pendingKeyChange().get().fingerprint().shortForm() + "; accept it before sending"));
        }
        if (target.isPresent() && t.pendingDevices().contains(target.get())) {
            return Optional.of(new Hold(HoldReason.DEVICE_NOT_APPROVED, "device " + target.get() + " of " + peer
                    + " awaits your approval"));
        }
        if (t.pendingDevices().isEmpty()) {
            return Optional.empty();
        }
        boolean allowed = false;
        boolean waiting = false;
        for (SessionAddress address : stores.sessions().devices(peer.toString())) {
            if (t.pendingDevices().contains(address.deviceId())) {
                waiting = true;
            } else if (maySendToSession(trust, address.deviceId(), proved(stores, address), clock)) {
                allowed = true;
            }
        }
        return waiting && !allowed ? Optional.of(new Hold(HoldReason.DEVICE_NOT_APPROVED, "the only devices of "
                + peer + " with a session await your approval: " + t.pendingDevices())) : Optional.empty();
    }

    private static boolean proved(Stores stores, SessionAddress address) {
        return stores.sessions().load(address).map(r -> SessionRecord.decode(r).peerCertificate().isPresent())
                .orElse(false);
    }
}
