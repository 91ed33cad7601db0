package im.sotto.xmpp;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import im.sotto.protocol.device.DeviceEligibility;
import im.sotto.protocol.device.DeviceLabel;
import im.sotto.protocol.device.DeviceLabels;
import im.sotto.protocol.device.DeviceRevocation;
import im.sotto.protocol.device.DeviceStatementException;
import im.sotto.protocol.device.PeerDevices;
import im.sotto.protocol.device.RevocationList;
import im.sotto.xmpp.pep.BundlePublisher;
import im.sotto.xmpp.pep.DeviceId;
import im.sotto.xmpp.pep.PepException;

import org.jivesoftware.smack.XMPPConnection;
import org.jxmpp.jid.BareJid;

/**
 * The account's own devices as this device manages them: revoking one (docs/protocol.md 7.7). Any device of the
 * account can, since linking hands every device the account key (12.1).
 */
public final class AccountDevices {
    private AccountDevices() {
    }

    /**
     * What revoking did: the devices left on the server's list, the statements dropped from the published list
     * because they were not signed by this account's key (someone else wrote them), and what this device now
     * records (the revoked device's session with it, if any, is gone).
     */
    public record Revoked(long deviceId, List<DeviceId> left, int foreignDropped, List<SecurityEvent> recorded) {
    }

    /**
     * Signs a revocation of {@code deviceId} with the account key, adds it to the account's published revocation
     * list, then takes the device off the device list and deletes its bundle; the revocation is published first, so
     * that it stands even if the rest fails. On a connection logged in to this account.
     *
     * @throws IllegalArgumentException for this very device, or a device id out of range
     */
    public static Revoked revoke(SottoAccount account, XMPPConnection connection, long deviceId)
            throws PepException, InterruptedException {
        if (deviceId == account.device().deviceId()) {
            throw new IllegalArgumentException("device " + deviceId + " is this device");
        }
        BareJid self = connection.getUser().asBareJid();
        BundlePublisher pep = new BundlePublisher(connection);
        RevocationList kept = RevocationList.empty();
        int foreign = 0;
        Optional<byte[]> published = pep.fetchRevocations(self);
        if (published.isPresent()) {
            try {
                for (DeviceRevocation statement : RevocationList.parse(published.get()).statements()) {
                    try {
                        statement.verify(account.identity().publicKey());
                        kept = kept.with(statement);
                    } catch (DeviceStatementException notOurs) {
                        foreign++;
                    }
                }
            } catch (DeviceStatementException malformed) {
                foreign++;   // not a list this key wrote: replaced by one it did
            }
        }
        RevocationList list = kept.with(DeviceRevocation.sign(account.identity(), deviceId, account.clock().instant()));
        byte[] encoded = list.encode();
        pep.publishRevocations(encoded);
        List<DeviceId> left = pep.withdraw(DeviceId.of((int) deviceId));
        List<SecurityEvent> recorded = new DeviceGate(account).apply(self, encoded, self);
        return new Revoked(deviceId, left, foreign, recorded);
    }

    /**
     * What this device records about {@code account}'s devices (a contact's or its own): revoked ones, when each was
     * last heard from, for {@code sotto devices}. Works offline.
     */
    public static PeerDevices recorded(SottoAccount account, BareJid owner) {
        return account.store().transact(s -> DeviceGate.load(s, owner));
    }

    /** The staleness verdict for one device now, under this account's setting. */
    public static DeviceEligibility.Verdict verdict(SottoAccount account,
            PeerDevices devices, long deviceId) {
        return account.eligibility().of(devices, deviceId, account.clock().instant());
    }

    /** One of the account's devices as the server lists it, with its signed label (if any) and what we recorded. */
    public record Listed(long deviceId, boolean thisDevice, Optional<DeviceLabel> label,
            Optional<Instant> lastHeard, boolean revoked) {
    }

    /**
     * Publishes this device's label (docs/protocol.md 7.8), signed with the account key, into the account's label
     * list, keeping the other devices' labels this key signed. {@code since} is when it joined the account, unless
     * this key already signed a label for it: relabelling keeps the device's age.
     */
    public static void label(SottoAccount account, XMPPConnection connection, String label, Instant since)
            throws PepException, InterruptedException {
        BareJid self = connection.getUser().asBareJid();
        BundlePublisher pep = new BundlePublisher(connection);
        long device = account.device().deviceId();
        DeviceLabels kept = DeviceLabels.empty();
        Instant joined = since;
        for (DeviceLabel other : labels(account, pep, self)) {
            kept = kept.with(other);
            if (other.deviceId() == device && other.since().isBefore(joined)) {
                joined = other.since();
            }
        }
        pep.publishLabels(kept.with(DeviceLabel.sign(account.identity(), device, joined, label)).encode());
    }

    /**
     * The account's devices: those on the server's device list, then those this device recorded as revoked; each
     * with its label if the account key signed one, and when it was last heard from.
     */
    public static List<Listed> list(SottoAccount account, XMPPConnection connection)
            throws PepException, InterruptedException {
        BareJid self = connection.getUser().asBareJid();
        BundlePublisher pep = new BundlePublisher(connection);
        Map<Long, DeviceLabel> labels = new HashMap<>();
        labels(account, pep, self).forEach(l -> labels.put(l.deviceId(), l));
        PeerDevices recorded = recorded(account, self);
        LinkedHashSet<Long> ids = new LinkedHashSet<>();
        try {
            pep.fetchDeviceList(self).forEach(d -> ids.add((long) d.value()));
        } catch (PepException e) {
            if (e.kind() != PepException.Kind.NOT_FOUND) {
                throw e;
            }
        }
        ids.addAll(recorded.revoked());
        List<Listed> out = new ArrayList<>();
        for (long id : ids) {
            Optional<PeerDevices.Entry> entry = recorded.entry(id);
            out.add(new Listed(id, id == account.device().deviceId(), Optional.ofNullable(labels.get(id)),
                    entry.flatMap(PeerDevices.Entry::lastHeard), recorded.isRevoked(id)));
        }
        return out;
    }

    private static List<DeviceLabel> labels(SottoAccount account, BundlePublisher pep,
            BareJid self) throws PepException, InterruptedException {
        Optional<byte[]> published = pep.fetchLabels(self);
        if (published.isEmpty()) {
            return List.of();
        }
        try {
            return DeviceLabels.parse(published.get())
                    .signedBy(account.identity().publicKey());
        } catch (DeviceStatementException e) {
            return List.of();   // not a list this key wrote: no labels shown, and replaced at the next label
        }
    }
}
