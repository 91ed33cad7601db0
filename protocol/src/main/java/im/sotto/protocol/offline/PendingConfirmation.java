package im.sotto.protocol.offline;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;
import java.util.Optional;

/**
 * What a sender keeps after a first message to an unknown recipient, to check the recipient's proof of identity in
 * its first reply: the transcript hash and the signed prekey it used. Nothing here is secret.
 */
public final class PendingConfirmation {
    private final CipherSuite suite;
    private final byte[] transcriptHash;
    private final long signedPreKeyId;
    private final byte[] signedPreKey;
    private final byte[] pqPreKey;
    private final byte[] signature;

    PendingConfirmation(CipherSuite suite, byte[] transcriptHash, PreKeyBundle bundle) {
        this(suite, transcriptHash, bundle.signedPreKeyId(), bundle.signedPreKey(), bundle.pqPreKey().orElse(null),
                bundle.signature());
    }

    private PendingConfirmation(CipherSuite suite, byte[] transcriptHash, long signedPreKeyId, byte[] signedPreKey,
            byte[] pqPreKey, byte[] signature) {
        this.suite = suite;
        this.transcriptHash = transcriptHash.clone();
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
     * account key only later (first contact) checks here that the bundle it used was really that account's.
     */
    public boolean signedBy(AccountPublicKey owner) {
        return owner.verify(PreKeyBundle.signedContent(signedPreKeyId, signedPreKey, pqPreKey), signature);
    }

    public byte[] encode() {
        ByteWriter w = new ByteWriter().u8(1).u8(suite.wireId()).vector16(transcriptHash).u32(signedPreKeyId)
                .bytes(signedPreKey).vector16(pqPreKey == null ? new byte[0] : pqPreKey).bytes(signature);
        return w.toByteArray();
    }

    public static PendingConfirmation decode(byte[] encoded) throws MalformedInputException {
        ByteReader r = new ByteReader(encoded);
        if (r.u8() != 1) {
            throw new MalformedInputException("unknown pending-confirmation version");
        }
        int suiteId = r.u8();
        CipherSuite suite = CipherSuite.fromWireId(suiteId)
                .orElseThrow(() -> new MalformedInputException("unknown suite " + suiteId));
        byte[] hash = r.vector16(64, "transcript hash");
        long id = r.u32();
        byte[] spk = r.bytes(32);
        byte[] pq = r.vector16(PreKeyBundle.PQ_PREKEY_LENGTH, "ML-KEM prekey");
        byte[] sig = r.bytes(64);
        r.expectEnd();
        return new PendingConfirmation(suite, hash, id, spk, pq.length == 0 ? null : pq, sig);
    }

    Optional<byte[]> pqPreKey() {
        return Optional.ofNullable(pqPreKey);
    }

    @Override
    public String toString() {
        return "PendingConfirmation[spk " + signedPreKeyId + "]";
    }
}
