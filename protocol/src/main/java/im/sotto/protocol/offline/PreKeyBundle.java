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
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a device publishes so that others can start a session while it is offline: a signed prekey (with, for the
 * hybrid suite, a signed ML-KEM-768 prekey under the same signature) and one-time prekeys. It carries no identity
 * key: a reader who does not already know the owner's account key cannot link it to anything. Layout in
 * docs/protocol.md, "Prekey bundle".
 */
public final class PreKeyBundle {
    public static final int FORMAT = 1;
    /** ML-KEM-768 encapsulation keys are this long (FIPS 203). */
    public static final int PQ_PREKEY_LENGTH = 1184;
    /** Bundles are a few kilobytes; anything larger is refused before parsing it. */
    public static final int MAX_ENCODED_LENGTH = 16 * 1024;
    private static final byte[] SIGNATURE_LABEL = "Sotto v1 signed prekey".getBytes(StandardCharsets.US_ASCII);

    private final Set<Integer> versions;
    private final Set<CipherSuite> suites;
    private final long signedPreKeyId;
    private final byte[] signedPreKey;
    private final byte[] pqPreKey;
    private final byte[] signature;
    private final Map<Long, byte[]> oneTimePreKeys;

    PreKeyBundle(Set<Integer> versions, Set<CipherSuite> suites, long signedPreKeyId, byte[] signedPreKey,
            byte[] pqPreKey, byte[] signature, Map<Long, byte[]> oneTimePreKeys) {
        this.versions = Set.copyOf(versions);
        this.suites = Collections.unmodifiableSet(EnumSet.copyOf(suites));
        this.signedPreKeyId = signedPreKeyId;
        this.signedPreKey = signedPreKey.clone();
        this.pqPreKey = pqPreKey == null ? null : pqPreKey.clone();
        this.signature = signature.clone();
        this.oneTimePreKeys = Collections.unmodifiableMap(new LinkedHashMap<>(oneTimePreKeys));
    }

    /** The bytes the account key signs for a signed prekey (and its ML-KEM companion, when there is one). */
    static byte[] signedContent(long id, byte[] signedPreKey, byte[] pqPreKey) {
        ByteWriter w = new ByteWriter().bytes(SIGNATURE_LABEL).u32(id).bytes(signedPreKey);
        if (pqPreKey != null) {
            w.bytes(pqPreKey);
        }
        return w.toByteArray();
    }

    public byte[] encode() {
        ByteWriter w = new ByteWriter().u8(FORMAT).u8(ProtocolVersion.bitmask(versions)).u8(CipherSuite.bitmask(suites)).u32(signedPreKeyId)
                .bytes(signedPreKey).u8(pqPreKey == null ? 0 : 1);
        if (pqPreKey != null) {
            w.bytes(pqPreKey);
        }
        w.bytes(signature).u16(oneTimePreKeys.size());
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
            if (format != FORMAT) {
                throw new BundleException(BundleException.Kind.UNSUPPORTED_VERSION, "bundle format " + format);
            }
            Set<Integer> versions = ProtocolVersion.fromBitmask(r.u8());
            Set<CipherSuite> suites = CipherSuite.fromBitmask(r.u8());
            if (versions.isEmpty() || suites.isEmpty()) {
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
            r.expectEnd();
            if (otks.containsKey(0L)) {
                throw new MalformedInputException("one-time prekey id 0 is reserved for 'none'");
            }
            if (suites.stream().anyMatch(PreKeyBundle::isHybrid) && pq == null) {
                throw new MalformedInputException("hybrid suite offered without an ML-KEM prekey");
            }
            return new PreKeyBundle(versions, suites, spkId, spk, pq, sig, otks);
        } catch (MalformedInputException e) {
            throw new BundleException(BundleException.Kind.MALFORMED, e.getMessage());
        }
    }

    /** Checks the signed prekey's signature against the account key the reader already knows for the owner. */
    public void verify(AccountPublicKey owner) throws BundleException {
        if (!owner.verify(signedContent(signedPreKeyId, signedPreKey, pqPreKey), signature)) {
            throw new BundleException(BundleException.Kind.BAD_SIGNATURE,
                    "signed prekey is not signed by the expected account key");
        }
    }

    static boolean isHybrid(CipherSuite suite) {
        return suite.isHybrid();
    }

    public Set<Integer> versions() {
        return versions;
    }

    public Set<CipherSuite> suites() {
        return suites;
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
        return "PreKeyBundle[spk " + signedPreKeyId + ", " + oneTimePreKeys.size() + " one-time, suites " + suites
                + "]";
    }
}
