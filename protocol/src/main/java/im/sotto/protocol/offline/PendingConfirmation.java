package im.sotto.protocol.offline;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;
import java.util.Optional;

/**
 * What a sender keeps after a first message to an unknown recipient, to check the recipient's proof of identity in
 * its first reply: the transcript hash and the signed part of the bundle it used (in format 2 with the bundle's
 * versions and suites bytes, which the signature covers). Nothing here is secret.
 */
public final class PendingConfirmation {
    /** Version 2 keeps the bundle's format, versions and suites bytes, which a format-2 signature covers. */
    private static final int VERSION = 2;
    /** Version 1 was written for format-1 bundles only; it is read back as such. */
    private static final int VERSION_FORMAT_1_BUNDLE = 1;
    private final CipherSuite suite;
    private final byte[] transcriptHash;
    private final int bundleFormat;
    private final int versionBits;
    private final int suiteBits;
    private final long signedPreKeyId;
    private final byte[] signedPreKey;
    private final byte[] pqPreKey;
    private final byte[] signature;

    PendingConfirmation(CipherSuite suite, byte[] transcriptHash, PreKeyBundle bundle) {
        this(suite, transcriptHash, bundle.format(), bundle.versionBits(), bundle.suiteBits(),
                bundle.signedPreKeyId(), bundle.signedPreKey(), bundle.pqPreKey().orElse(null), bundle.signature());
    }

    private PendingConfirmation(CipherSuite suite, byte[] transcriptHash, int bundleFormat, int versionBits,
            int suiteBits, long signedPreKeyId, byte[] signedPreKey, byte[] pqPreKey, byte[] signature) {
        this.suite = suite;
        this.transcriptHash = transcriptHash.clone();
        this.bundleFormat = bundleFormat;
        this.versionBits = versionBits;
        this.suiteBits = suiteBits;
        this.signedPreKeyId = signedPreKeyId;
        this.signedPreKey = signedPreKey.clone();
        this.pqPreKey = pqPreKey == null ? null : pqPreKey.clone();
        this.signature = signature.clone();
    }

    CipherSuite suite() {
        return suite;
    }

    byte[] transcriptHash() {
        return transcriptHash.clone();
    }

    /**
     * True when {@code owner} signed the prekey this session was started with. A sender that learns the recipient's
     * account key only later (first contact) checks here that the bundle it used was really that account's; for a
     * format-2 bundle, also that the suites it chose from were the owner's (a server that removed the hybrid suite
     * from the bundle is caught here).
     */
    public boolean signedBy(AccountPublicKey owner) {
        return owner.verify(PreKeyBundle.signedContent(bundleFormat, versionBits, suiteBits, signedPreKeyId,
                signedPreKey, pqPreKey), signature);
    }

    public byte[] encode() {
        ByteWriter w = new ByteWriter().u8(VERSION).u8(suite.wireId()).vector16(transcriptHash).u8(bundleFormat)
                .u8(versionBits).u8(suiteBits).u32(signedPreKeyId).bytes(signedPreKey)
                .vector16(pqPreKey == null ? new byte[0] : pqPreKey).bytes(signature);
        return w.toByteArray();
    }

    public static PendingConfirmation decode(byte[] encoded) throws MalformedInputException {
        ByteReader r = new ByteReader(encoded);
        int version = r.u8();
        if (version != VERSION && version != VERSION_FORMAT_1_BUNDLE) {
            throw new MalformedInputException("unknown pending-confirmation version " + version);
        }
        int suiteId = r.u8();
        CipherSuite suite = CipherSuite.fromWireId(suiteId)
                .orElseThrow(() -> new MalformedInputException("unknown suite " + suiteId));
        byte[] hash = r.vector16(64, "transcript hash");
        int bundleFormat = PreKeyBundle.FORMAT_PREKEYS_SIGNED_ONLY;
        int versionBits = 0;
        int suiteBits = 0;
        if (version == VERSION) {
            bundleFormat = r.u8();
            if (bundleFormat != PreKeyBundle.FORMAT && bundleFormat != PreKeyBundle.FORMAT_PREKEYS_SIGNED_ONLY) {
                throw new MalformedInputException("unknown bundle format " + bundleFormat);
            }
            versionBits = r.u8();
            suiteBits = r.u8();
        }
        long id = r.u32();
        byte[] spk = r.bytes(32);
        byte[] pq = r.vector16(PreKeyBundle.PQ_PREKEY_LENGTH, "ML-KEM prekey");
        byte[] sig = r.bytes(64);
        r.expectEnd();
        return new PendingConfirmation(suite, hash, bundleFormat, versionBits, suiteBits, id, spk,
                pq.length == 0 ? null : pq, sig);
    }

    Optional<byte[]> pqPreKey() {
        return Optional.ofNullable(pqPreKey);
    }

    @Override
    public String toString() {
        return "PendingConfirmation[spk " + signedPreKeyId + "]";
    }
}
