package im.sotto.protocol.offline;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.MlKemKeyPair;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.handshake.ProtocolVersion;
import im.sotto.protocol.identity.AccountIdentity;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A device's prekeys and the replay cache of first messages, as one piece of state the store keeps as an opaque
 * record ({@link PreKeyRecordCodec}). Receiving a first message works on a {@link #copy()} that the caller commits
 * together with the new session, so a failed first message changes nothing.
 */
public final class PreKeyVault {
    /** The protocol versions a bundle names: this implementation speaks version 1 only. */
    private static final int PUBLISHED_VERSION_BITS = ProtocolVersion.bitmask(Set.of(ProtocolVersion.CURRENT));
    final Set<CipherSuite> suites;
    final PreKeyPolicy policy;
    final List<SignedPreKey> signed; // newest last
    final TreeMap<Long, X25519KeyPair> oneTime;
    final Map<ByteBuffer, Instant> replayCache;
    long nextSignedId;
    long nextOneTimeId;

    PreKeyVault(Set<CipherSuite> suites, PreKeyPolicy policy, List<SignedPreKey> signed,
            TreeMap<Long, X25519KeyPair> oneTime, Map<ByteBuffer, Instant> replayCache, long nextSignedId,
            long nextOneTimeId) {
        this.suites = Collections.unmodifiableSet(EnumSet.copyOf(suites));
        this.policy = policy;
        this.signed = signed;
        this.oneTime = oneTime;
        this.replayCache = replayCache;
        this.nextSignedId = nextSignedId;
        this.nextOneTimeId = nextOneTimeId;
    }

    /** A fresh vault: one signed prekey and {@value PreKeyPolicy#ONE_TIME_TARGET} one-time prekeys. */
    public static PreKeyVault create(AccountIdentity account, Set<CipherSuite> suites, PreKeyPolicy policy,
            SecureRandom random, Instant now) {
        PreKeyVault v = new PreKeyVault(suites, policy, new ArrayList<>(), new TreeMap<>(), new LinkedHashMap<>(),
                1, 1);
        v.maintain(account, random, now);
        return v;
    }

    /**
     * Applies the schedule at {@code now}: a new signed prekey when the newest is a rotation old, deletion of
     * replaced ones after the grace period, refill of one-time prekeys below the threshold, expiry of replay-cache
     * entries. Returns true when the published bundle changed and must be republished.
     */
    public boolean maintain(AccountIdentity account, SecureRandom random, Instant now) {
        boolean changed = false;
        if (signed.isEmpty() || !now.isBefore(newest().created.plus(policy.rotation()))) {
            signed.add(newSignedPreKey(account, random, now));
            changed = true;
        } else if (newest().signatureFormat != PreKeyBundle.FORMAT) {
            // A key made by an older version: sign it again in the current format, so the published bundle's
            // suites are signed too (the key itself stays, so first messages already sent to it still open).
            SignedPreKey old = newest();
            signed.set(signed.size() - 1, old.resigned(PreKeyBundle.FORMAT,
                    account.sign(signedContent(old.id, old.keyPair.publicKey(), old.pqPublic))));
            changed = true;
        }
        // A replaced key is deleted one grace period after its successor took over.
        signed.removeIf(k -> k != newest() && !now.isBefore(successorCreated(k).plus(policy.grace())));
        replayCache.values().removeIf(expiry -> !now.isBefore(expiry));
        if (oneTime.size() < PreKeyPolicy.ONE_TIME_REFILL_BELOW) {
            while (oneTime.size() < PreKeyPolicy.ONE_TIME_TARGET) {
                oneTime.put(nextOneTimeId++, X25519KeyPair.generate(random));
            }
            changed = true;
        }
        return changed;
    }

    private SignedPreKey newSignedPreKey(AccountIdentity account, SecureRandom random, Instant now) {
        long id = nextSignedId++;
        X25519KeyPair pair = X25519KeyPair.generate(random);
        if (suites.stream().noneMatch(CipherSuite::isHybrid)) {
            byte[] sig = account.sign(signedContent(id, pair.publicKey(), null));
            return new SignedPreKey(id, now, pair, null, null, PreKeyBundle.FORMAT, sig);
        }
        // The hybrid suite: an ML-KEM-768 prekey under the same signature, rotated and deleted with it. The record
        // keeps the expanded decapsulation key, not the 64-byte seed: deriving the key from the seed is a whole key
        // generation, which every hybrid first message received would otherwise repeat.
        MlKemKeyPair pq = MlKemKeyPair.generate(random);
        byte[] pqPublic = pq.encapsulationKey().toBytes();
        byte[] sig = account.sign(signedContent(id, pair.publicKey(), pqPublic));
        SignedPreKey k = new SignedPreKey(id, now, pair, pqPublic, pq.decapsulationKey(), PreKeyBundle.FORMAT, sig);
        pq.wipe();
        return k;
    }

    /** What the account key signs for a signed prekey in the current bundle format, with this vault's suites. */
    private byte[] signedContent(long id, byte[] signedPreKey, byte[] pqPublic) {
        return PreKeyBundle.signedContent(PreKeyBundle.FORMAT, PUBLISHED_VERSION_BITS, CipherSuite.bitmask(suites),
                id, signedPreKey, pqPublic);
    }

    private Instant successorCreated(SignedPreKey k) {
        return signed.get(signed.indexOf(k) + 1).created;
    }

    SignedPreKey newest() {
        return signed.get(signed.size() - 1);
    }

    /** The bundle to publish: the newest signed prekey and every unused one-time prekey. */
    public PreKeyBundle bundle() {
        SignedPreKey spk = newest();
        Map<Long, byte[]> otks = new LinkedHashMap<>();
        oneTime.forEach((id, pair) -> otks.put(id, pair.publicKey()));
        return new PreKeyBundle(spk.signatureFormat, PUBLISHED_VERSION_BITS, CipherSuite.bitmask(suites), spk.id,
                spk.keyPair.publicKey(), spk.pqPublic, spk.signature, otks);
    }

    /** Signed prekeys that can still receive first messages, newest first (the order a receiver tries them). */
    List<SignedPreKey> liveSignedPreKeys() {
        List<SignedPreKey> out = new ArrayList<>(signed);
        Collections.reverse(out);
        return out;
    }

    /** When a signed prekey will be deleted: the end of the forward-secrecy window of messages sent to it. */
    Instant deletionTime(SignedPreKey k) {
        int i = signed.indexOf(k);
        Instant takenOver = i == signed.size() - 1 ? k.created.plus(policy.rotation()) : signed.get(i + 1).created;
        return takenOver.plus(policy.grace());
    }

    Optional<X25519KeyPair> takeOneTime(long id) {
        return Optional.ofNullable(oneTime.remove(id));
    }

    boolean seen(byte[] replayKey) {
        return replayCache.containsKey(ByteBuffer.wrap(replayKey));
    }

    void remember(byte[] replayKey, Instant expiry) {
        replayCache.put(ByteBuffer.wrap(replayKey.clone()), expiry);
    }

    public int oneTimeCount() {
        return oneTime.size();
    }

    public int signedCount() {
        return signed.size();
    }

    public int replayCacheSize() {
        return replayCache.size();
    }

    /** A deep copy to work on; the original is untouched until the caller replaces it with the copy. */
    public PreKeyVault copy() {
        List<SignedPreKey> s = new ArrayList<>(signed);
        return new PreKeyVault(suites, policy, s, new TreeMap<>(oneTime), new LinkedHashMap<>(replayCache),
                nextSignedId, nextOneTimeId);
    }

    public byte[] toRecord() {
        return PreKeyRecordCodec.encode(this);
    }

    public static PreKeyVault fromRecord(byte[] record) throws PreKeyRecordException {
        return PreKeyRecordCodec.decode(record);
    }

    @Override
    public String toString() {
        return "PreKeyVault[" + signed.size() + " signed, " + oneTime.size() + " one-time, " + replayCache.size()
                + " replay entries, keys redacted]";
    }
}
