package im.sotto.protocol.session;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import im.sotto.protocol.trust.Continuity;
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
import im.sotto.protocol.trust.BareJid;
import im.sotto.protocol.wire.MalformedInputException;

/**
 * What continuity needs per peer device (docs/protocol.md 4.11), in the retained-secret store under (peer bare JID,
 * device id): the device's certificate and the retained secrets of the last sessions with it. The certificate
 * outlives any session record, so a device met before is still known (for the known-peer handshake) after its
 * session was dropped. Layout (version 2, {@link RecordCodec} fields): certificate, {@link RetainedSecrets} record
 * (empty when no session with the device was ever committed), the count of {@link UnconfirmedAnswer}s waiting for
 * liveness (one byte, at most {@link #MAX_UNCONFIRMED}, docs/protocol.md 4.6) and each answer's record, oldest first.
 * Version 1 (certificate, secrets) is still read.
 */
public record RetainedSecretRecord(DeviceCertificate certificate, Optional<RetainedSecrets> secrets,
        List<UnconfirmedAnswer> unconfirmed) {
    /**
     * IK answers kept per peer device until one is confirmed. A responder that answers several times before the
     * initiator's first ratchet message (the initiator retried after a timeout, or died and healed again) does not
     * know which answer the initiator committed; committing each answer at once, as before liveness was required,
     * kept the earlier ones as previous sessions for the same reason. A replay can push out only unconfirmed answers.
     */
    static final int MAX_UNCONFIRMED = 4;
    private static final int VERSION = 2;
    private static final int VERSION_WITHOUT_ANSWER = 1;

    /** The lookup a handshake with {@code peer} uses; each call is its own store transaction. */
    public static RetainedSecretLookup lookup(AccountStore store, BareJid peer, java.time.Clock clock) {
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
    public static void keep(Stores stores, BareJid peer, HandshakeResult result) {
        keep(stores, peer, result.peerCertificate(), result.continuity(), result.retainedSecretsToKeep());
    }

    public static void keep(Stores stores, BareJid peer, DeviceCertificate device, Continuity continuity,
            RetainedSecrets toKeep) {
        keep(stores, peer, device, continuity, toKeep, Optional.empty());
    }

    /**
     * As {@link #keep(Stores, BareJid, HandshakeResult)} for a commit of {@code device}: answers to it that wait for
     * liveness and were given up to {@code supersededUpTo} are dropped (every one, when empty: a session completed
     * otherwise supersedes them); newer ones stay, the initiator may still confirm one of them.
     */
    public static void keep(Stores stores, BareJid peer, DeviceCertificate device, Continuity continuity,
            RetainedSecrets toKeep, Optional<Instant> supersededUpTo) {
        Optional<RetainedSecretRecord> stored = load(stores, peer, device.deviceId());
        List<UnconfirmedAnswer> newer = supersededUpTo.isEmpty() ? List.of() : stored.map(r -> r.unconfirmed()
                .stream().filter(a -> a.answeredAt().isAfter(supersededUpTo.get())).toList()).orElse(List.of());
        if (continuity == Continuity.BROKEN) {
            // The old secrets stay; only the answers change.
            if (stored.isPresent()) {
                store(stores, peer, new RetainedSecretRecord(stored.get().certificate(), stored.get().secrets(),
                        newer));
            }
            return;
        }
        store(stores, peer, new RetainedSecretRecord(device, Optional.of(toKeep), newer));
    }

    /**
     * The first ratchet message from {@code peer}'s device {@code deviceId} opened under its current session
     * {@code current}: the peer stored that session (it sends only from a stored one), so the session's retained
     * secret, the newest kept, becomes confirmed (docs/protocol.md 4.11) and counts as history from now on. Only a
     * session an online handshake left with a verdict other than a break: after {@link Continuity#BROKEN} the
     * secrets kept are the older ones (the session's own was not kept), and an offline session leaves none. Only
     * while nothing is confirmed yet (the first sessions with the device): from then on the proofs of each
     * handshake confirm, and move the anchor, as they always did; a ratchet message says nothing about which
     * older secrets the peer still holds.
     */
    public static void confirmedByRatchet(Stores stores, BareJid peer, long deviceId, SessionRecord current) {
        if (current.continuity().isEmpty() || current.continuity().get() == Continuity.BROKEN
                || current.continuity().get() == Continuity.UNCHECKED) {
            return;
        }
        Optional<RetainedSecretRecord> stored = load(stores, peer, deviceId);
        if (stored.isEmpty() || stored.get().secrets().isEmpty() || stored.get().secrets().get().anyConfirmed()) {
            return;
        }
        store(stores, peer, new RetainedSecretRecord(stored.get().certificate(),
                Optional.of(stored.get().secrets().get().withNewestConfirmed()), stored.get().unconfirmed()));
    }

    /**
     * Stores an answered IK session that waits for liveness after the ones already waiting for that device (the
     * oldest goes beyond {@link #MAX_UNCONFIRMED}); the device's certificate and retained secrets are left as they
     * are (a device never committed gets a record without secrets, which {@link #lookup} and {@link #certificates}
     * ignore).
     */
    public static void keepUnconfirmed(Stores stores, BareJid peer, UnconfirmedAnswer answer) {
        long deviceId = answer.peerCertificate().deviceId();
        Optional<RetainedSecretRecord> stored = load(stores, peer, deviceId);
        List<UnconfirmedAnswer> answers = new ArrayList<>(stored.map(RetainedSecretRecord::unconfirmed)
                .orElse(List.of()));
        answers.add(answer);
        while (answers.size() > MAX_UNCONFIRMED) {
            answers.remove(0);
        }
        store(stores, peer, new RetainedSecretRecord(stored.map(RetainedSecretRecord::certificate)
                .orElse(answer.peerCertificate()), stored.flatMap(RetainedSecretRecord::secrets), answers));
    }

    /** The answers with devices of {@code peer} that wait for liveness, oldest first. */
    public static List<UnconfirmedAnswer> unconfirmed(Stores stores, BareJid peer) {
        List<UnconfirmedAnswer> answers = new ArrayList<>();
        for (SessionAddress address : stores.retainedSecrets().addresses()) {
            if (address.peer().equals(peer.toString())) {
                load(stores, peer, address.deviceId()).ifPresent(r -> answers.addAll(r.unconfirmed()));
            }
        }
        return answers;
    }

    private static void store(Stores stores, BareJid peer, RetainedSecretRecord record) {
        stores.retainedSecrets().store(new SessionAddress(peer.toString(), record.certificate().deviceId()),
                writer(record));
    }

    private static byte[] writer(RetainedSecretRecord record) {
        RecordCodec.Writer out = new RecordCodec.Writer(VERSION)
                .field(record.certificate().encoded())
                .optional(record.secrets().map(RetainedSecrets::toRecord))
                .field(new byte[] {(byte) record.unconfirmed().size()});
        for (UnconfirmedAnswer answer : record.unconfirmed()) {
            out.field(answer.toRecord());
        }
        return out.toByteArray();
    }

    /**
     * The pinned certificate of {@code device} of {@code peer}, or of its only known device when none is named: from
     * a session record, or else from the retained secrets, which outlive sessions. Empty when no such device, or more
     * than one, is known: then there is no known-peer handshake to start.
     */
    public static Optional<DeviceCertificate> knownDevice(Stores stores, BareJid peer, Optional<Long> device,
            VerifiedCertificates verified) {
        Map<Long, DeviceCertificate> known = new HashMap<>();
        for (DeviceCertificate certificate : certificates(stores, peer)) {
            known.put(certificate.deviceId(), certificate);
        }
        for (SessionAddress address : stores.sessions().devices(peer.toString())) {
            stores.sessions().load(address).flatMap(r -> SessionRecord.decode(r).certificate(verified))
                    .ifPresent(certificate -> known.put(address.deviceId(), certificate));
        }
        known.keySet().removeIf(id -> device.isPresent() && id != device.get().longValue());
        return known.size() == 1 ? known.values().stream().findFirst() : Optional.empty();
    }

    /** The certificates of every device of {@code peer} this device keeps secrets for. */
    public static List<DeviceCertificate> certificates(Stores stores, BareJid peer) {
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
            List<UnconfirmedAnswer> answers = new ArrayList<>();
            if (version == VERSION_WITHOUT_ANSWER) {
                secrets = Optional.of(RetainedSecrets.fromRecord(in.field()));
            } else {
                Optional<byte[]> secretRecord = in.optional();
                secrets = secretRecord.isPresent() ? Optional.of(RetainedSecrets.fromRecord(secretRecord.get()))
                        : Optional.empty();
                byte[] count = in.field();
                if (count.length != 1 || count[0] < 0 || count[0] > MAX_UNCONFIRMED) {
                    throw new RecordCodec.MalformedRecordException("bad count of unconfirmed answers");
                }
                for (int i = 0; i < count[0]; i++) {
                    answers.add(UnconfirmedAnswer.fromRecord(in.field()));
                }
                if (secrets.isEmpty() && answers.isEmpty()) {
                    throw new RecordCodec.MalformedRecordException("neither secrets nor an answer");
                }
            }
            in.end();
            if (certificate.deviceId() != deviceId
                    || answers.stream().anyMatch(a -> a.peerCertificate().deviceId() != deviceId)) {
                throw new RecordCodec.MalformedRecordException("the certificate is for another device id");
            }
            return Optional.of(new RetainedSecretRecord(certificate, secrets, List.copyOf(answers)));
        } catch (RecordCodec.MalformedRecordException | CertificateException | MalformedInputException e) {
            throw new IllegalStateException("the retained secrets for " + peer + "/" + deviceId + " cannot be read: "
                    + e.getMessage(), e);
        }
    }
}
