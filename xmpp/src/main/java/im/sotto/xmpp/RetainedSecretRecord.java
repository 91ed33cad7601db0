package im.sotto.xmpp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import im.sotto.protocol.handshake.Continuity;
import im.sotto.protocol.handshake.HandshakeResult;
import im.sotto.protocol.handshake.RetainedSecretLookup;
import im.sotto.protocol.handshake.RetainedSecrets;
import im.sotto.protocol.handshake.UnconfirmedAnswer;
import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.identity.CertificateException;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.store.Stores;
import im.sotto.protocol.wire.MalformedInputException;

import org.jxmpp.jid.BareJid;

/**
 * What continuity needs per peer device (docs/protocol.md 4.11), in the retained-secret store under (peer bare JID,
 * device id): the device's certificate and the retained secrets of the last sessions with it. The certificate
 * outlives any session record, so a device met before is still known (for the known-peer handshake) after its
 * session was dropped. Layout (version 2, {@link RecordCodec} fields): certificate, {@link RetainedSecrets} record
 * (empty when no session with the device was ever committed), {@link UnconfirmedAnswer} record (empty when none
 * waits for liveness, docs/protocol.md 4.6). Version 1 (certificate, secrets) is still read.
 */
record RetainedSecretRecord(DeviceCertificate certificate, Optional<RetainedSecrets> secrets,
        Optional<UnconfirmedAnswer> unconfirmed) {
    private static final int VERSION = 2;
    private static final int VERSION_WITHOUT_ANSWER = 1;

    /** The lookup a handshake with {@code peer} uses; each call is its own store transaction. */
    static RetainedSecretLookup lookup(AccountStore store, BareJid peer, java.time.Clock clock) {
        return new RetainedSecretLookup() {
            @Override
            public Optional<RetainedSecrets> forDevice(DeviceCertificate device) {
                return store.transact(stores -> load(stores, peer, device.deviceId())
                        .filter(r -> Arrays.equals(r.certificate.deviceKey(), device.deviceKey()))
                        .flatMap(RetainedSecretRecord::secrets));
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
     * man in the middle with the device's stolen keys) must not become it. Either way an answer that waited for
     * liveness with this device is gone: this commit (its own promotion, or a newer session) supersedes it.
     */
    static void keep(Stores stores, BareJid peer, HandshakeResult result) {
        keep(stores, peer, result.peerCertificate(), result.continuity(), result.retainedSecretsToKeep());
    }

    static void keep(Stores stores, BareJid peer, DeviceCertificate device, Continuity continuity,
            RetainedSecrets toKeep) {
        if (continuity == Continuity.BROKEN) {
            dropUnconfirmed(stores, peer, device.deviceId());
            return;
        }
        store(stores, peer, new RetainedSecretRecord(device, Optional.of(toKeep), Optional.empty()));
    }

    /**
     * Stores an answered IK session that waits for liveness, replacing any older one for that device; the device's
     * certificate and retained secrets are left as they are (a device never committed gets a record without
     * secrets, which {@link #lookup} and {@link #certificates} ignore).
     */
    static void keepUnconfirmed(Stores stores, BareJid peer, UnconfirmedAnswer answer) {
        long deviceId = answer.peerCertificate().deviceId();
        Optional<RetainedSecretRecord> stored = load(stores, peer, deviceId);
        store(stores, peer, new RetainedSecretRecord(stored.map(RetainedSecretRecord::certificate)
                .orElse(answer.peerCertificate()), stored.flatMap(RetainedSecretRecord::secrets), Optional.of(answer)));
    }

    /** The answers with devices of {@code peer} that wait for liveness, by device id. */
    static Map<Long, UnconfirmedAnswer> unconfirmed(Stores stores, BareJid peer) {
        Map<Long, UnconfirmedAnswer> answers = new TreeMap<>();
        for (SessionAddress address : stores.retainedSecrets().addresses()) {
            if (address.peer().equals(peer.toString())) {
                load(stores, peer, address.deviceId()).flatMap(RetainedSecretRecord::unconfirmed)
                        .ifPresent(a -> answers.put(address.deviceId(), a));
            }
        }
        return answers;
    }

    /** Removes the answer waiting for liveness with {@code deviceId} of {@code peer}; true if there was one. */
    static boolean dropUnconfirmed(Stores stores, BareJid peer, long deviceId) {
        Optional<RetainedSecretRecord> stored = load(stores, peer, deviceId);
        if (stored.isEmpty() || stored.get().unconfirmed().isEmpty()) {
            return false;
        }
        if (stored.get().secrets().isEmpty()) {
            stores.retainedSecrets().delete(new SessionAddress(peer.toString(), deviceId));
        } else {
            store(stores, peer, new RetainedSecretRecord(stored.get().certificate(), stored.get().secrets(),
                    Optional.empty()));
        }
        return true;
    }

    private static void store(Stores stores, BareJid peer, RetainedSecretRecord record) {
        stores.retainedSecrets().store(new SessionAddress(peer.toString(), record.certificate().deviceId()),
                new RecordCodec.Writer(VERSION)
                        .field(record.certificate().encoded())
                        .optional(record.secrets().map(RetainedSecrets::toRecord))
                        .optional(record.unconfirmed().map(UnconfirmedAnswer::toRecord))
                        .toByteArray());
    }

    /** The certificates of every device of {@code peer} this device keeps secrets for. */
    static List<DeviceCertificate> certificates(Stores stores, BareJid peer) {
        List<DeviceCertificate> certificates = new ArrayList<>();
        for (SessionAddress address : stores.retainedSecrets().addresses()) {
            if (address.peer().equals(peer.toString())) {
                // A device only answered (no session ever committed with it) is not known yet: a replayed IK
                // message 1 must not add a device to the ones this device starts known-peer handshakes with.
                load(stores, peer, address.deviceId()).filter(r -> r.secrets().isPresent())
                        .ifPresent(r -> certificates.add(r.certificate));
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
            int version = record.get().length == 0 ? VERSION : record.get()[0];
            RecordCodec.Reader in = new RecordCodec.Reader(record.get(),
                    version == VERSION_WITHOUT_ANSWER ? version : VERSION);
            DeviceCertificate certificate = DeviceCertificate.parse(in.field());
            Optional<RetainedSecrets> secrets;
            Optional<UnconfirmedAnswer> answer = Optional.empty();
            if (version == VERSION_WITHOUT_ANSWER) {
                secrets = Optional.of(RetainedSecrets.fromRecord(in.field()));
            } else {
                Optional<byte[]> secretRecord = in.optional();
                secrets = secretRecord.isPresent() ? Optional.of(RetainedSecrets.fromRecord(secretRecord.get()))
                        : Optional.empty();
                Optional<byte[]> answerRecord = in.optional();
                answer = answerRecord.isPresent() ? Optional.of(UnconfirmedAnswer.fromRecord(answerRecord.get()))
                        : Optional.empty();
                if (secrets.isEmpty() && answer.isEmpty()) {
                    throw new RecordCodec.MalformedRecordException("neither secrets nor an answer");
                }
            }
            in.end();
            if (certificate.deviceId() != deviceId
                    || answer.filter(a -> a.peerCertificate().deviceId() != deviceId).isPresent()) {
                throw new RecordCodec.MalformedRecordException("the certificate is for another device id");
            }
            return Optional.of(new RetainedSecretRecord(certificate, secrets, answer));
        } catch (RecordCodec.MalformedRecordException | CertificateException | MalformedInputException e) {
            throw new IllegalStateException("the retained secrets for " + peer + "/" + deviceId + " cannot be read: "
                    + e.getMessage(), e);
        }
    }
}
