package im.sotto.xmpp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.session.FirstMessageStart;
import im.sotto.protocol.session.RetainedSecretRecord;
import im.sotto.protocol.session.Resends;
import im.sotto.protocol.session.SessionRecord;
import im.sotto.protocol.session.TrustRecords;
import im.sotto.protocol.store.LogEntry;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.store.Stores;
import im.sotto.protocol.trust.ContactTrust;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jxmpp.jid.BareJid;

/**
 * Offline first messages (docs/protocol.md 6.3) carrying one envelope to devices of a peer from their published
 * bundles, in the caller's store transaction: each starts and stores a session with its device. Used when a peer has
 * no session at all ({@link SessionCrypto#encryptFirstMessages}) and for devices the peer linked after our sessions
 * with it were made, alongside the ratchet elements of the same stanza ({@link DeviceDiscovery}).
 */
final class FirstMessageElements {
    /** Why a device with a bundle got no first message (a device it names in {@code skipped}). */
    enum Skip {
        /** Revoked, or stale until heard from again (7.7). */
        INELIGIBLE,
        /** A verified contact's device that has not proved its certificate and been approved. */
        NOT_APPROVED,
        /** The bundle is not signed by the account key pinned for the peer: the server substituted it. */
        NOT_SIGNED,
        /** The bundle does not parse or its keys are unusable. */
        UNUSABLE
    }

    /** The elements made, by device, each device's message number, and each device skipped with why. */
    record Made(List<SottoEncrypted> elements, List<Long> devices, Map<Long, Long> sequences, Map<Long, Skip> skips,
            List<String> skipped) {
        long count(Skip kind) {
            return skips.values().stream().filter(kind::equals).count();
        }

        static Made none() {
            return new Made(List.of(), List.of(), Map.of(), Map.of(), List.of());
        }
    }

    private FirstMessageElements() {
    }

    static Made make(SottoAccount account, DeviceGate gate, Stores stores, BareJid peer, Map<Long, byte[]> bundles,
            byte[] envelope, byte[] ad, String stanzaId, java.util.OptionalInt carrier, List<SecurityEvent> notices) {
        FirstMessageStart starter = new FirstMessageStart(account.device(), SottoAccount.SUITES, account.random(),
                account.clock());
        List<SottoEncrypted> out = new ArrayList<>();
        List<Long> devices = new ArrayList<>();
        Map<Long, Long> sequences = new HashMap<>();
        Map<Long, Skip> skips = new HashMap<>();
        List<String> skipped = new ArrayList<>();
        Optional<ContactTrust> trust = TrustRecords.load(stores, CoreJid.of(peer), account.clock());
        Optional<AccountPublicKey> pinnedAccount = trust.map(ContactTrust::pinnedKey);
        for (Map.Entry<Long, byte[]> entry : bundles.entrySet()) {
            long device = entry.getKey();
            SessionAddress address = new SessionAddress(peer.toString(), device);
            if (!gate.maySend(stores, peer, device, notices)) {
                skips.put(device, Skip.INELIGIBLE);
                skipped.add("device " + device + ": revoked or stale");
                continue;
            }
            Optional<byte[]> stored = stores.sessions().load(address);
            Optional<DeviceCertificate> known = stored
                    .flatMap(r -> SessionRecord.decode(r).certificate(account.certificates()));
            Optional<DeviceCertificate> met = known.isPresent() ? known : RetainedSecretRecord.certificates(stores,
                    CoreJid.of(peer)).stream().filter(c -> c.deviceId() == device).findFirst();
            if (!TrustRecords.maySendTo(trust, met, account.clock())) {
                // A verified contact's device we cannot name as approved gets nothing: the bundle does not
                // prove whose it is, and a new device needs the user's approval first.
                skips.put(device, Skip.NOT_APPROVED);
                skipped.add("device " + device + ": not approved");
                continue;
            }
            // For a contact whose devices need approval, the first message is bound to the device key it proved
            // before (a substituted bundle cannot read it); otherwise as before, blind to an unknown device, whose
            // bundle must then be signed by the account key we know (FirstMessageStart).
            boolean approvalNeeded = trust.map(t -> t.level(account.clock()).requiresDeviceApproval()).orElse(false);
            Optional<DeviceCertificate> pinned = approvalNeeded ? met : known;
            FirstMessageStart.Outcome outcome = starter.start(entry.getValue(), pinned, pinnedAccount, envelope, ad);
            if (outcome instanceof FirstMessageStart.NotSigned) {
                skips.put(device, Skip.NOT_SIGNED);
                skipped.add("device " + device + ": not signed by the pinned account key");
                continue;
            }
            if (outcome instanceof FirstMessageStart.Unusable unusable) {
                skips.put(device, Skip.UNUSABLE);
                skipped.add("device " + device + ": " + unusable.why());
                continue;
            }
            FirstMessageStart.Started first = (FirstMessageStart.Started) outcome;
            long logged = stores.messageLog().append(new LogEntry(LogEntry.Direction.SENT, address, stanzaId,
                    account.clock().instant(), envelope));
            // What the replaced session's peer never acknowledged goes out again under this one (protocol.md 7.3).
            Resends owed = Resends.owedAfterReplacing(stored, account.random(), account.clock());
            SessionRecord record = first.record().replacing(stored, account.clock().instant()).withResends(owed);
            stores.sessions().store(address, (carrier.isEmpty() ? record : record.withResends(owed.afterSending(
                    first.sequence(), logged, carrier.getAsInt(), 0))).encode());
            out.add(new SottoEncrypted(SottoEncrypted.Kind.FIRST_MESSAGE, first.message()));
            devices.add(device);
            sequences.put(device, first.sequence());
        }
        return new Made(out, devices, sequences, skips, skipped);
    }
}
