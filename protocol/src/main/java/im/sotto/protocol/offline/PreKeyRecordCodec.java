package im.sotto.protocol.offline;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.Ed25519;
import im.sotto.protocol.crypto.MlKem768;
import im.sotto.protocol.crypto.MlKemKeyPair;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The versioned record of a {@link PreKeyVault} (it holds private keys: the store encrypts it). */
final class PreKeyRecordCodec {
    /**
     * Version 4 keeps an ML-KEM prekey's expanded decapsulation key (2,400 bytes) where version 3 kept its 64-byte
     * seed: re-deriving the key from the seed was a whole ML-KEM key generation on every hybrid first message received
     * (docs/performance.md, "Offline setup and the one-way path, 2026-12-08").
     */
    static final int VERSION = 4;
    /** Version 3 names, per signed prekey, the bundle format its signature was made for (6.1). */
    private static final int VERSION_WITH_MLKEM_SEED = 3;
    /** Version 2 keeps each key's public half (recomputing a hundred of them made loading the vault slow). */
    private static final int VERSION_WITHOUT_SIGNATURE_FORMAT = 2;
    private static final int VERSION_WITHOUT_PUBLIC_KEYS = 1;
    /** Bounds for a record we wrote ourselves; exceeding them means corruption, not a bigger vault. */
    private static final int MAX_SIGNED = 16;
    private static final int MAX_REPLAY_ENTRIES = 1_000_000;
    private static final int MAX_PQ_SECRET = 4096;

    private PreKeyRecordCodec() {}

    static byte[] encode(PreKeyVault v) {
        ByteWriter w = new ByteWriter().u8(VERSION).u8(CipherSuite.bitmask(v.suites)).u64(v.policy.rotation().getSeconds())
                .u64(v.policy.grace().getSeconds()).u32(v.nextSignedId).u32(v.nextOneTimeId).u8(v.signed.size());
        for (SignedPreKey k : v.signed) {
            w.u32(k.id).u64(k.created.getEpochSecond()).bytes(k.keyPair.privateKey().reveal())
                    .bytes(k.keyPair.publicKey()).u8(k.signatureFormat).bytes(k.signature);
            w.vector16(k.pqPublic == null ? new byte[0] : k.pqPublic);
            w.vector16(k.pqSecret == null ? new byte[0] : k.pqSecret.reveal());
        }
        w.u16(v.oneTime.size());
        v.oneTime.forEach((id, pair) -> w.u32(id).bytes(pair.privateKey().reveal()).bytes(pair.publicKey()));
        w.u32(v.replayCache.size());
        v.replayCache.forEach((key, expiry) -> w.bytes(bytes(key)).u64(expiry.getEpochSecond()));
        return w.toByteArray();
    }

    static PreKeyVault decode(byte[] record) throws PreKeyRecordException {
        try {
            ByteReader r = new ByteReader(record);
            int version = r.u8();
            if (version != VERSION && version != VERSION_WITH_MLKEM_SEED && version != VERSION_WITHOUT_SIGNATURE_FORMAT
                    && version != VERSION_WITHOUT_PUBLIC_KEYS) {
                throw new PreKeyRecordException("prekey record version " + version);
            }
            int suiteBits = r.u8();
            Set<CipherSuite> suites = CipherSuite.fromBitmask(suiteBits);
            if (CipherSuite.bitmask(suites) != suiteBits) {
                throw new MalformedInputException("unknown suite in record");
            }
            PreKeyPolicy policy = new PreKeyPolicy(Duration.ofSeconds(r.u64()), Duration.ofSeconds(r.u64()));
            long nextSigned = r.u32();
            long nextOneTime = r.u32();
            int signedCount = r.u8();
            if (signedCount == 0 || signedCount > MAX_SIGNED) {
                throw new MalformedInputException("signed prekey count " + signedCount);
            }
            List<SignedPreKey> signed = new ArrayList<>();
            for (int i = 0; i < signedCount; i++) {
                long id = r.u32();
                Instant created = Instant.ofEpochSecond(r.u64());
                X25519KeyPair pair = readPair(r, version);
                // Records before version 3 were written when every signature was in bundle format 1.
                int signatureFormat = version >= VERSION_WITH_MLKEM_SEED ? r.u8()
                        : PreKeyBundle.FORMAT_PREKEYS_SIGNED_ONLY;
                if (signatureFormat != PreKeyBundle.FORMAT
                        && signatureFormat != PreKeyBundle.FORMAT_PREKEYS_SIGNED_ONLY) {
                    throw new MalformedInputException("signature format " + signatureFormat);
                }
                byte[] sig = r.bytes(Ed25519.SIGNATURE_LENGTH);
                byte[] pqPublic = r.vector16(PreKeyBundle.PQ_PREKEY_LENGTH, "ML-KEM prekey");
                byte[] pqSecret = r.vector16(MAX_PQ_SECRET, "ML-KEM secret");
                if ((pqPublic.length == 0) != (pqSecret.length == 0)) {
                    throw new MalformedInputException("ML-KEM prekey without its secret, or the reverse");
                }
                signed.add(new SignedPreKey(id, created, pair, pqPublic.length == 0 ? null : pqPublic,
                        pqSecret.length == 0 ? null : decapsulationKey(version, pqSecret, pqPublic), signatureFormat,
                        sig));
                java.util.Arrays.fill(pqSecret, (byte) 0);
            }
            int oneTimeCount = r.u16();
            TreeMap<Long, X25519KeyPair> oneTime = new TreeMap<>();
            for (int i = 0; i < oneTimeCount; i++) {
                long id = r.u32();
                // One encoding per vault: ascending ids, each below the next id to issue (a larger one would be
                // overwritten by a newly generated key, which peers may already have used).
                if (!oneTime.isEmpty() && id <= oneTime.lastKey()) {
                    throw new MalformedInputException("one-time prekey ids out of order or repeated at " + id);
                }
                if (id >= nextOneTime) {
                    throw new MalformedInputException("one-time prekey id " + id + " not below the next id");
                }
                oneTime.put(id, readPair(r, version));
            }
            long replayCount = r.u32();
            if (replayCount > MAX_REPLAY_ENTRIES) {
                throw new MalformedInputException("replay cache size " + replayCount);
            }
            Map<ByteBuffer, Instant> replay = new LinkedHashMap<>();
            for (long i = 0; i < replayCount; i++) {
                replay.put(ByteBuffer.wrap(r.bytes(32)), Instant.ofEpochSecond(r.u64()));
            }
            r.expectEnd();
            return new PreKeyVault(suites, policy, signed, oneTime, replay, nextSigned, nextOneTime);
        } catch (MalformedInputException | IllegalArgumentException | java.time.DateTimeException e) {
            throw new PreKeyRecordException("corrupt prekey record: " + e.getMessage());
        }
    }

    /**
     * The expanded decapsulation key of a stored ML-KEM prekey: as stored from version 4 on; derived once from the
     * seed an older record holds (that record is written back as version 4 at its next save). Either way the
     * encapsulation key it embeds must be the stored public key, else the record is corrupt.
     */
    private static SecretBytes decapsulationKey(int version, byte[] stored, byte[] pqPublic)
            throws MalformedInputException {
        SecretBytes expanded;
        if (version == VERSION) {
            if (stored.length != MlKem768.DECAPSULATION_KEY_LENGTH) {
                throw new MalformedInputException("ML-KEM decapsulation key of " + stored.length + " bytes");
            }
            expanded = SecretBytes.copyOf(stored);
        } else {
            if (stored.length != MlKem768.SEED_LENGTH) {
                throw new MalformedInputException("ML-KEM seed of " + stored.length + " bytes");
            }
            SecretBytes seed = SecretBytes.copyOf(stored);
            MlKemKeyPair pair = MlKemKeyPair.fromSeed(seed);
            expanded = pair.decapsulationKey();
            pair.wipe();
            seed.wipe();
        }
        if (!MlKem768.embedsEncapsulationKey(expanded, pqPublic)) {
            expanded.wipe();
            throw new MalformedInputException("ML-KEM decapsulation key does not match the stored prekey");
        }
        return expanded;
    }

    private static X25519KeyPair readPair(ByteReader r, int version) throws MalformedInputException {
        SecretBytes privateKey = SecretBytes.copyOf(r.bytes(X25519.KEY_LENGTH));
        return version == VERSION_WITHOUT_PUBLIC_KEYS ? X25519KeyPair.fromPrivate(privateKey)
                : X25519KeyPair.restore(privateKey, r.bytes(X25519.KEY_LENGTH));
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
