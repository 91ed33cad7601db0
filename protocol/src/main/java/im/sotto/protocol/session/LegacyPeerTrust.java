package im.sotto.protocol.session;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.store.Stores;
import im.sotto.protocol.trust.BareJid;
import im.sotto.protocol.trust.ContactTrust;
import im.sotto.protocol.trust.TrustException;

/**
 * Reads the binding's first trust record (version 1 in {@link RecordCodec} fields: pinned key, verified flag, key
 * presented since and awaiting acceptance) and turns it into the core's {@link ContactTrust}, so that trust decisions
 * survive the upgrade. The two formats cannot be confused: both start with the byte 1, but here a u32 field length
 * follows (0x00000020 for the key), which read as the core format's vec16 JID length would be an empty JID, which
 * that format never holds.
 */
final class LegacyPeerTrust {
    private static final int VERSION = 1;
    private static final int KEY_BYTES = 32;

    private LegacyPeerTrust() {
    }

    static boolean isLegacy(byte[] record) {
        return record.length >= 5 && record[0] == VERSION && record[1] == 0 && record[2] == 0;
    }

    /**
     * The same decisions in the core's terms. The old record has no times: the pin and the verification are dated
     * now. A verified contact's devices that this device already talks to (sessions and retained secrets under the
     * pinned key) were trusted before the upgrade, so they are approved; devices met later need approval as usual.
     */
    static ContactTrust migrate(Stores stores, BareJid peer, byte[] record, Clock clock) {
        try {
            RecordCodec.Reader in = new RecordCodec.Reader(record, VERSION);
            byte[] pinned = in.field();
            byte[] verified = in.field();
            Optional<byte[]> presented = in.optional();
            in.end();
            if (pinned.length != KEY_BYTES || verified.length != 1 || verified[0] > 1 || verified[0] < 0
                    || presented.map(p -> p.length != KEY_BYTES).orElse(false)) {
                throw new RecordCodec.MalformedRecordException("bad trust record fields");
            }
            AccountPublicKey key = AccountPublicKey.of(pinned);
            ContactTrust trust = ContactTrust.onFirstContact(peer.toString(), key, clock);
            if (verified[0] == 1) {
                for (DeviceCertificate device : knownDevices(stores, peer)) {
                    if (device.accountKey().equals(key)) {
                        trust = trust.onPeerCertificate(device, clock).trust();
                    }
                }
                trust = trust.markVerified(key, true, clock);
            }
            if (presented.isPresent() && !AccountPublicKey.of(presented.get()).equals(key)) {
                trust = trust.withPendingKeyChange(AccountPublicKey.of(presented.get()));
            }
            return trust;
        } catch (RecordCodec.MalformedRecordException | TrustException e) {
            throw new IllegalStateException("the old trust record for " + peer + " cannot be read: " + e.getMessage(),
                    e);
        }
    }

    private static List<DeviceCertificate> knownDevices(Stores stores, BareJid peer) {
        List<DeviceCertificate> devices = new ArrayList<>(RetainedSecretRecord.certificates(stores, peer));
        for (SessionAddress address : stores.sessions().devices(peer.toString())) {
            stores.sessions().load(address).flatMap(r -> SessionRecord.decode(r).certificate()).ifPresent(devices::add);
        }
        return devices;
    }
}
