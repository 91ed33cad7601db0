package im.sotto.protocol.session;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import im.sotto.protocol.handshake.Continuity;
import im.sotto.protocol.handshake.HandshakeResult;
import im.sotto.protocol.handshake.RetainedSecretLookup;
import im.sotto.protocol.handshake.RetainedSecrets;
import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.identity.CertificateException;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.store.Stores;
import im.sotto.protocol.trust.BareJid;
import im.sotto.protocol.wire.MalformedInputException;

/**
 * What continuity needs per peer device (docs/protocol.md 4.11), in the retained-secret store under (peer bare JID,
 * device id): the device's certificate and the retained secrets of the last sessions with it. The certificate
 * outlives any session record, so a device met before is still known (for the known-peer handshake) after its
 * session was dropped. Layout (version 1, {@link RecordCodec} fields): certificate, {@link RetainedSecrets} record.
 */
public record RetainedSecretRecord(DeviceCertificate certificate, RetainedSecrets secrets) {
    private static final int VERSION = 1;

    /** The lookup a handshake with {@code peer} uses; each call is its own store transaction. */
    public static RetainedSecretLookup lookup(AccountStore store, BareJid peer, java.time.Clock clock) {
        return new RetainedSecretLookup() {
            @Override
            public Optional<RetainedSecrets> forDevice(DeviceCertificate device) {
                return store.transact(stores -> load(stores, peer, device.deviceId())
                        .filter(r -> Arrays.equals(r.certificate.deviceKey(), device.deviceKey()))
                        .map(RetainedSecretRecord::secrets));
            }

            @Override
            public boolean knowsAccount(AccountPublicKey account) {
                return store.transact(stores -> TrustRecords.load(stores, peer, clock)
                        .map(t -> t.pinnedKey().equals(account)).orElse(false));
            }
        };
    }

    /**
     * Keeps the secrets a completed handshake with {@code peer} leaves, in the caller's transaction (the one that
     * stores the session). After {@link Continuity#BROKEN} the old secrets stay: whoever broke the continuity (a
     * man in the middle with the device's stolen keys) must not become it.
     */
    public static void keep(Stores stores, BareJid peer, HandshakeResult result) {
        if (result.continuity() == Continuity.BROKEN) {
            return;
        }
        DeviceCertificate device = result.peerCertificate();
        stores.retainedSecrets().store(new SessionAddress(peer.toString(), device.deviceId()),
                new RecordCodec.Writer(VERSION)
                        .field(device.encoded())
                        .field(result.retainedSecretsToKeep().toRecord())
                        .toByteArray());
    }

    /** The certificates of every device of {@code peer} this device keeps secrets for. */
    public static List<DeviceCertificate> certificates(Stores stores, BareJid peer) {
        List<DeviceCertificate> certificates = new ArrayList<>();
        for (SessionAddress address : stores.retainedSecrets().addresses()) {
            if (address.peer().equals(peer.toString())) {
                load(stores, peer, address.deviceId()).ifPresent(r -> certificates.add(r.certificate));
            }
        }
        return certificates;
    }

    private static Optional<RetainedSecretRecord> load(Stores stores, BareJid peer, long deviceId) {
        Optional<byte[]> record = stores.retainedSecrets().load(new SessionAddress(peer.toString(), deviceId));
        if (record.isEmpty()) {
            return Optional.empty();
        }
        try {
            RecordCodec.Reader in = new RecordCodec.Reader(record.get(), VERSION);
            DeviceCertificate certificate = DeviceCertificate.parse(in.field());
            RetainedSecrets secrets = RetainedSecrets.fromRecord(in.field());
            in.end();
            if (certificate.deviceId() != deviceId) {
                throw new RecordCodec.MalformedRecordException("the certificate is for another device id");
            }
            return Optional.of(new RetainedSecretRecord(certificate, secrets));
        } catch (RecordCodec.MalformedRecordException | CertificateException | MalformedInputException e) {
            throw new IllegalStateException("the retained secrets for " + peer + "/" + deviceId + " cannot be read: "
                    + e.getMessage(), e);
        }
    }
}
