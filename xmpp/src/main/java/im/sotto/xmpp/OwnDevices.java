package im.sotto.xmpp;

import java.util.List;
import java.util.Optional;

import im.sotto.protocol.device.DeviceRevocation;
import im.sotto.protocol.device.RevocationException;
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
public final class OwnDevices {
    private OwnDevices() {
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
                    } catch (RevocationException notOurs) {
                        foreign++;
                    }
                }
            } catch (RevocationException malformed) {
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
    public static im.sotto.protocol.device.PeerDevices recorded(SottoAccount account, BareJid owner) {
        return account.store().transact(s -> DeviceGate.load(s, owner));
    }

    /** The staleness verdict for one device now, under this account's setting. */
    public static im.sotto.protocol.device.DeviceEligibility.Verdict verdict(SottoAccount account,
            im.sotto.protocol.device.PeerDevices devices, long deviceId) {
        return account.eligibility().of(devices, deviceId, account.clock().instant());
    }
}
