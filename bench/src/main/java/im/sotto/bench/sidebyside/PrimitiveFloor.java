package im.sotto.bench.sidebyside;

import im.sotto.protocol.crypto.MlKem768;
import im.sotto.protocol.crypto.MlKemEncapsulation;
import im.sotto.protocol.crypto.MlKemKeyPair;
import im.sotto.protocol.crypto.SecretBytes;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The bare primitives of one Sotto operation, back to back: X25519 on BouncyCastle's static functions, Ed25519
 * verification likewise, AES-256-GCM and HMAC-SHA256 on SunJCE engines made once (keyed per operation, as each
 * protocol step uses a new key), ML-KEM-768 through the core's wrapper of BouncyCastle. Nothing else: no parsing,
 * no records, no allocation beyond what the primitives themselves do. The counts are per operation of the figure.
 */
public final class PrimitiveFloor {
    private final FloorCounts counts;
    private final JcaCounter.Tally tally;
    private final SecureRandom random = new SecureRandom();
    private final byte[] scalar = new byte[X25519.SCALAR_SIZE];
    private final byte[] peer = new byte[X25519.POINT_SIZE];
    private final byte[] out = new byte[X25519.POINT_SIZE];
    private final byte[] edPublic = new byte[Ed25519.PUBLIC_KEY_SIZE];
    private final byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
    private final byte[] signed = new byte[200]; // a device certificate or a bundle's signed part is about this size
    private final Cipher gcm;
    private final Mac hmac;
    private final SecretKeySpec aesKey;
    private final SecretKeySpec macKey;
    private final byte[] sealInput;
    private final byte[] openInput;
    private final byte[] macInput;
    private final byte[] nonce = new byte[12];
    private final MlKemKeyPair kem;
    private long counter;

    public PrimitiveFloor(FloorCounts counts, JcaCounter.Tally tally) throws GeneralSecurityException {
        this.counts = counts;
        this.tally = tally;
        random.nextBytes(scalar);
        byte[] peerScalar = new byte[X25519.SCALAR_SIZE];
        random.nextBytes(peerScalar);
        X25519.scalarMultBase(peerScalar, 0, peer, 0);
        byte[] seed = new byte[Ed25519.SECRET_KEY_SIZE];
        random.nextBytes(seed);
        Ed25519.generatePublicKey(seed, 0, edPublic, 0);
        random.nextBytes(signed);
        Ed25519.sign(seed, 0, signed, 0, signed.length, signature, 0);
        byte[] key = new byte[32];
        random.nextBytes(key);
        aesKey = new SecretKeySpec(key, "AES");
        macKey = new SecretKeySpec(key, "HmacSHA256");
        gcm = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
        hmac = Mac.getInstance("HmacSHA256", "SunJCE");
        sealInput = new byte[(int) tally.sealBytes()];
        macInput = new byte[(int) tally.macBytes()];
        // A real ciphertext of the mean open length, so that every open authenticates.
        gcm.init(Cipher.ENCRYPT_MODE, aesKey, new GCMParameterSpec(128, nonce));
        openInput = gcm.doFinal(new byte[(int) Math.max(0, tally.openBytes() - 16)]);
        kem = counts.mlKemEncapsulate() > 0 ? MlKemKeyPair.generate(random) : null;
    }

    /** One operation's worth of primitives; returns something derived from all of them. */
    public long run() throws Exception {
        long sink = 0;
        for (int i = 0; i < counts.x25519Generate(); i++) {
            X25519.scalarMultBase(scalar, 0, out, 0);
            sink += out[0];
        }
        for (int i = 0; i < counts.x25519Agree(); i++) {
            X25519.scalarMult(scalar, 0, peer, 0, out, 0);
            sink += out[0];
        }
        for (int i = 0; i < counts.ed25519Verify(); i++) {
            sink += Ed25519.verify(signature, 0, edPublic, 0, signed, 0, signed.length) ? 1 : 0;
        }
        for (int i = 0; i < counts.mlKemEncapsulate(); i++) {
            MlKemEncapsulation e = MlKem768.encapsulate(kem.encapsulationKey(), random);
            sink += e.ciphertext()[0];
            for (int j = 0; j < counts.mlKemDecapsulate(); j++) {
                SecretBytes s = kem.decapsulate(e.ciphertext());
                sink += s.length();
            }
        }
        for (long i = 0; i < tally.seals(); i++) {
            java.nio.ByteBuffer.wrap(nonce).putLong(4, ++counter); // never the zero nonce of the constructor
            gcm.init(Cipher.ENCRYPT_MODE, aesKey, new GCMParameterSpec(128, nonce));
            sink += gcm.doFinal(sealInput).length;
        }
        for (long i = 0; i < tally.opens(); i++) {
            gcm.init(Cipher.DECRYPT_MODE, aesKey, new GCMParameterSpec(128, new byte[12]));
            sink += gcm.doFinal(openInput).length;
        }
        for (long i = 0; i < tally.macs(); i++) {
            hmac.init(macKey);
            sink += hmac.doFinal(macInput)[0];
        }
        return sink;
    }

    public FloorCounts counts() {
        return counts;
    }

    public JcaCounter.Tally tally() {
        return tally;
    }
}
