package im.sotto.xmpp;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import im.sotto.protocol.device.DeviceEligibility;
import im.sotto.protocol.device.PeerDevices;
import im.sotto.protocol.device.DeviceStatementException;
import im.sotto.protocol.device.RevocationList;
import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.session.TrustRecords;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.store.Stores;
import im.sotto.protocol.trust.ContactTrust;

import org.jxmpp.jid.BareJid;

/**
 * Which devices of an account are encrypted to (docs/protocol.md 7.7), in the caller's store transaction: revoked
 * devices never, stale ones not until they are heard from again. Applies published revocation lists after checking
 * them against the account key this device trusts for the account. The decisions are the core's
 * ({@link DeviceEligibility}, {@link PeerDevices}); this class loads and stores the record and makes the events.
 */
final class DeviceGate {
    private final SottoAccount account;

    DeviceGate(SottoAccount account) {
        this.account = account;
    }

    static PeerDevices load(Stores stores, BareJid peer) {
        Optional<byte[]> record = stores.peerDevices().load(peer.toString());
        if (record.isEmpty()) {
            return PeerDevices.none();
        }
        return PeerDevices.decodeStored(record.get());
    }

    /**
     * Whether a stanza may be encrypted to {@code deviceId} of {@code peer} now. A stale device is reported once
     * (added to {@code notices}, the mark stored in the same transaction) until it is heard from again.
     */
    boolean maySend(Stores stores, BareJid peer, long deviceId, List<SecurityEvent> notices) {
        PeerDevices devices = load(stores, peer);
        Instant now = account.clock().instant();
        DeviceEligibility.Verdict verdict = account.eligibility().of(devices, deviceId, now);
        if (verdict == DeviceEligibility.Verdict.STALE) {
            PeerDevices.Entry entry = devices.entry(deviceId).orElseThrow();
            if (!entry.staleReported()) {
                stores.peerDevices().store(peer.toString(), devices.staleReported(deviceId).encode());
                notices.add(new SecurityEvent.DeviceStale(peer, deviceId, entry.lastHeard().orElseThrow()));
            }
        }
        return verdict == DeviceEligibility.Verdict.ELIGIBLE;
    }

    /** {@link #maySend} without reporting: for checks that send nothing. */
    boolean eligible(Stores stores, BareJid peer, long deviceId) {
        return account.eligibility().of(load(stores, peer), deviceId, account.clock().instant())
                == DeviceEligibility.Verdict.ELIGIBLE;
    }

    static boolean revoked(Stores stores, BareJid peer, long deviceId) {
        return load(stores, peer).isRevoked(deviceId);
    }

    /** A message from the device opened (in the transaction that logs it): it is not stale. */
    static void heard(Stores stores, BareJid peer, long deviceId, Instant at) {
        stores.peerDevices().store(peer.toString(), load(stores, peer).heard(deviceId, at).encode());
    }

    /**
     * Applies the revocation list {@code peer} published: checked against the account key pinned for it (our own
     * for our own account); each newly revoked device loses its session and is reported once. A list that does not
     * verify is reported and changes nothing; one for an account whose key we do not know yet cannot be checked and
     * is left (no session with it can exist under a known key either).
     */
    List<SecurityEvent> apply(BareJid peer, byte[] published, BareJid self) {
        List<SecurityEvent> events = new ArrayList<>();
        account.store().transact(stores -> {
            events.clear();
            Optional<AccountPublicKey> trusted = trustedKey(stores, peer, self);
            if (trusted.isEmpty()) {
                return null;
            }
            PeerDevices.Applied applied;
            try {
                applied = load(stores, peer).apply(RevocationList.parse(published), trusted.get());
            } catch (DeviceStatementException e) {
                events.add(new SecurityEvent.RevocationRefused(peer, e.kind(), e.getMessage()));
                return null;
            }
            if (applied.newlyRevoked().isEmpty()) {
                return null;
            }
            stores.peerDevices().store(peer.toString(), applied.devices().encode());
            for (long device : applied.newlyRevoked()) {
                stores.sessions().delete(new SessionAddress(peer.toString(), device));
                events.add(new SecurityEvent.DeviceRevoked(peer, device,
                        applied.devices().entry(device).orElseThrow().revokedAt().orElseThrow()));
            }
            return null;
        });
        return events;
    }

    private Optional<AccountPublicKey> trustedKey(Stores stores, BareJid peer, BareJid self) {
        if (peer.equals(self)) {
            return Optional.of(account.identity().publicKey());
        }
        return TrustRecords.load(stores, CoreJid.of(peer), account.clock()).map(ContactTrust::pinnedKey);
    }
}
