package im.sotto.protocol.offline;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.Ed25519;
import im.sotto.protocol.crypto.X25519;
import im.sotto.protocol.handshake.ProtocolVersion;
import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a device publishes so that others can start a session while it is offline: a signed prekey (with, for the
 * hybrid suite, a signed ML-KEM-768 prekey under the same signature) and one-time prekeys. It carries no identity
 * key: a reader who does not already know the owner's account key cannot link it to anything. Layout in
 * docs/protocol.md, "Prekey bundle".
 *
 * <p>Two formats are read. Format 2, the one written, signs every byte before the signature: the format, the
 * versions and suites bytes, the prekeys and the ML-KEM flag, so a server can neither remove the hybrid suite nor
 * change the suites a sender chooses from. Format 1 signed the prekeys only; it is still read because bundles
 * published by older clients stay on servers (what it cannot protect: docs/protocol.md 6.1).
 */
public final class PreKeyBundle {
    /** The format written: the signature covers the format, versions and suites bytes. */
    public static final int FORMAT = 2;
    /** The first format, still read: its signature covers the prekeys but not the versions and suites bytes. */
    public static final int FORMAT_PREKEYS_SIGNED_ONLY = 1;
    /** ML-KEM-768 encapsulation keys are this long (FIPS 203). */
    public static final int PQ_PREKEY_LENGTH = 1184;
    /** Bundles are a few kilobytes; anything larger is refused before parsing it. */
    public static final int MAX_ENCODED_LENGTH = 16 * 1024;
    private static final byte[] FORMAT_1_LABEL = "Sotto v1 signed prekey".getBytes(StandardCharsets.US_ASCII);
    /** A different label, so that no format-2 signature verifies as a format-1 one (a downgrade of the format). */
    private static final byte[] FORMAT_2_LABEL = "Sotto v1 signed prekey bundle".getBytes(StandardCharsets.US_ASCII);

    private final int format;
    private final int versionBits;
    private final int suiteBits;
    private final long signedPreKeyId;
    private final byte[] signedPreKey;
    private final byte[] pqPreKey;
    private final byte[] signature;
    private final Map<Long, byte[]> oneTimePreKeys;

    /**
     * The bits are kept as received: the signature covers them, including bits for suites or versions this
     * implementation does not know.
     */
    PreKeyBundle(int format, int versionBits, int suiteBits, long signedPreKeyId, byte[] signedPreKey,
            byte[] pqPreKey, byte[] signature, Map<Long, byte[]> oneTimePreKeys) {
        if (format != FORMAT && format != FORMAT_PREKEYS_SIGNED_ONLY) {
            throw new IllegalArgumentException("bundle format " + format);
        }
        this.format = format;
        this.versionBits = versionBits & 0xff;
        this.suiteBits = suiteBits & 0xff;
        this.signedPreKeyId = signedPreKeyId;
        this.signedPreKey = signedPreKey.clone();
        this.pqPreKey = pqPreKey == null ? null : pqPreKey.clone();
        this.signature = signature.clone();
        this.oneTimePreKeys = Collections.unmodifiableMap(new LinkedHashMap<>(oneTimePreKeys));
    }

    /**
     * The bytes the account key signs. Format 2: a label, then the bundle's own bytes from the format byte to the
     * signature (format, versions, suites, signed prekey id and key, ML-KEM flag and key). Format 1: a label, the id
     * and the two keys.
     */
    static byte[] signedContent(int format, int versionBits, int suiteBits, long id, byte[] signedPreKey,
            byte[] pqPreKey) {
        if (format == FORMAT_PREKEYS_SIGNED_ONLY) {
            ByteWriter w = new ByteWriter().bytes(FORMAT_1_LABEL).u32(id).bytes(signedPreKey);
            if (pqPreKey != null) {
                w.bytes(pqPreKey);
            }
            return w.toByteArray();
        }
        return new ByteWriter().bytes(FORMAT_2_LABEL).bytes(signedHeader(format, versionBits, suiteBits, id,
                signedPreKey, pqPreKey)).toByteArray();
    }

    private static byte[] signedHeader(int format, int versionBits, int suiteBits, long id, byte[] signedPreKey,
            byte[] pqPreKey) {
        ByteWriter w = new ByteWriter().u8(format).u8(versionBits).u8(suiteBits).u32(id).bytes(signedPreKey)
                .u8(pqPreKey == null ? 0 : 1);
        if (pqPreKey != null) {
            w.bytes(pqPreKey);
        }
        return w.toByteArray();
    }

    /** What this bundle's signature must cover; a {@link PendingConfirmation} keeps the same to check it later. */
    byte[] signedContent() {
        return signedContent(format, versionBits, suiteBits, signedPreKeyId, signedPreKey, pqPreKey);
    }

    public byte[] encode() {
        ByteWriter w = new ByteWriter().bytes(signedHeader(format, versionBits, suiteBits, signedPreKeyId,
                signedPreKey, pqPreKey)).bytes(signature).u16(oneTimePreKeys.size());
        oneTimePreKeys.forEach((id, key) -> w.u32(id).bytes(key));
        return w.toByteArray();
    }

    /** Parses strictly. The signature can be checked only by someone who knows the owner: {@link #verify}. */
    public static PreKeyBundle parse(byte[] encoded) throws BundleException {
        if (encoded.length > MAX_ENCODED_LENGTH) {
            throw new BundleException(BundleException.Kind.OVERSIZED, encoded.length + " bytes");
        }
        try {
            ByteReader r = new ByteReader(encoded);
            int format = r.u8();
            if (format != FORMAT && format != FORMAT_PREKEYS_SIGNED_ONLY) {
                throw new BundleException(BundleException.Kind.UNSUPPORTED_VERSION, "bundle format " + format);
            }
            int versionBits = r.u8();
            int suiteBits = r.u8();
            Set<CipherSuite> suites = CipherSuite.fromBitmask(suiteBits);
            if (ProtocolVersion.fromBitmask(versionBits).isEmpty() || suites.isEmpty()) {
                throw new BundleException(BundleException.Kind.NO_COMMON_SUITE, "bundle names no known suite");
            }
            long spkId = r.u32();
            byte[] spk = r.bytes(X25519.KEY_LENGTH);
            int hasPq = r.u8();
            if (hasPq > 1) {
                throw new MalformedInputException("bad post-quantum flag");
            }
            byte[] pq = hasPq == 1 ? r.bytes(PQ_PREKEY_LENGTH) : null;
            byte[] sig = r.bytes(Ed25519.SIGNATURE_LENGTH);
            Map<Long, byte[]> otks = readOneTimePreKeys(r);
            r.expectEnd();
            boolean hybridListed = suites.stream().anyMatch(CipherSuite::isHybrid);
            if (hybridListed && pq == null) {
                throw new MalformedInputException("hybrid suite offered without an ML-KEM prekey");
            }
            if (format == FORMAT && pq != null && !hybridListed) {
                // An honest format-2 writer lists the hybrid suite whenever it publishes an ML-KEM prekey.
                throw new MalformedInputException("ML-KEM prekey without a hybrid suite");
            }
            return new PreKeyBundle(format, versionBits, suiteBits, spkId, spk, pq, sig, otks);
        } catch (MalformedInputException e) {
            throw new BundleException(BundleException.Kind.MALFORMED, e.getMessage());
        }
    }

    private static Map<Long, byte[]> readOneTimePreKeys(ByteReader r) throws BundleException,
            MalformedInputException {
        int count = r.u16();
        if (count > PreKeyPolicy.MAX_ONE_TIME_IN_BUNDLE) {
            throw new BundleException(BundleException.Kind.OVERSIZED, count + " one-time prekeys");
        }
        Map<Long, byte[]> otks = new LinkedHashMap<>();
        long previous = -1;
        for (int i = 0; i < count; i++) {
            long id = r.u32();
            if (id <= previous) {
                throw new BundleException(BundleException.Kind.DUPLICATE_PREKEY_ID,
                        "one-time prekey ids must increase strictly; " + id + " after " + previous);
            }
            previous = id;
            otks.put(id, r.bytes(X25519.KEY_LENGTH));
        }
        if (otks.containsKey(0L)) {
            throw new MalformedInputException("one-time prekey id 0 is reserved for 'none'");
        }
        return otks;
    }

    /**
     * Checks the signature against the account key the reader already knows for the owner. In format 2 this also
     * proves the versions and suites bytes are the owner's.
     */
    public void verify(AccountPublicKey owner) throws BundleException {
        if (!owner.verify(signedContent(), signature)) {
            throw new BundleException(BundleException.Kind.BAD_SIGNATURE, "format " + format
                    + " bundle is not signed by the expected account key (or was altered after signing)");
        }
    }

    public int format() {
        return format;
    }

    /** The versions byte as published (bit v-1 for version v). */
    int versionBits() {
        return versionBits;
    }

    /** The suites byte as published, including bits of suites this implementation does not know. */
    int suiteBits() {
        return suiteBits;
    }

    public Set<Integer> versions() {
        return ProtocolVersion.fromBitmask(versionBits);
    }

    public Set<CipherSuite> suites() {
        return Collections.unmodifiableSet(CipherSuite.fromBitmask(suiteBits));
    }

    public long signedPreKeyId() {
        return signedPreKeyId;
    }

    public byte[] signedPreKey() {
        return signedPreKey.clone();
    }

    public Optional<byte[]> pqPreKey() {
        return Optional.ofNullable(pqPreKey).map(byte[]::clone);
    }

    public byte[] signature() {
        return signature.clone();
    }

    /** One-time prekeys by id, in increasing id order. */
    public Map<Long, byte[]> oneTimePreKeys() {
        return oneTimePreKeys;
    }

    @Override
    public String toString() {
        return "PreKeyBundle[format " + format + ", spk " + signedPreKeyId + ", " + oneTimePreKeys.size()
                + " one-time, suites " + suites() + "]";
    }
}
