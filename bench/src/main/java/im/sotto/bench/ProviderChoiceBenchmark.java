package im.sotto.bench;

import im.sotto.protocol.crypto.HashAlgorithm;
import im.sotto.protocol.crypto.Hkdf;
import im.sotto.protocol.crypto.SecretBytes;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The JDK's providers against BouncyCastle's lightweight API, one pair of benchmarks per primitive, so the choice
 * of provider in the protocol core rests on a measurement (docs/performance.md). Method names end in {@code Jdk} or
 * {@code Bc}. Where the JDK needs key objects and engine instances, they are made once in setup: this favours the
 * JDK, so a BouncyCastle win is not an artefact of setup cost. Each AEAD seal re-keys and takes a fresh counter
 * nonce, as a real message would (both libraries refuse to reuse a nonce under one key anyway).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ProviderChoiceBenchmark {
    private static final int MESSAGE_TO_SIGN = 64; // about the size of what Sotto signs: keys plus a header

    /** Key material for the asymmetric benchmarks, from one seeded-at-start SecureRandom per thread. */
    @State(Scope.Thread)
    public static class Keys {
        final SecureRandom random = new SecureRandom();
        KeyPairGenerator jdkX25519Generator;
        KeyAgreement jdkAgreement;
        KeyPair jdkX25519Self;
        KeyPair jdkX25519Peer;
        final byte[] bcX25519Private = new byte[X25519.SCALAR_SIZE];
        final byte[] bcX25519PeerPublic = new byte[X25519.POINT_SIZE];

        Signature jdkSignature;
        KeyPair jdkEd25519;
        byte[] jdkEd25519Signature;
        final byte[] bcEd25519Seed = new byte[Ed25519.SECRET_KEY_SIZE];
        final byte[] bcEd25519Public = new byte[Ed25519.PUBLIC_KEY_SIZE];
        final byte[] bcEd25519Signature = new byte[Ed25519.SIGNATURE_SIZE];
        final byte[] message = new byte[MESSAGE_TO_SIGN];

        @Setup
        public void setUp() throws GeneralSecurityException {
            jdkX25519Generator = KeyPairGenerator.getInstance("XDH");
            jdkX25519Generator.initialize(NamedParameterSpec.X25519, random);
            jdkAgreement = KeyAgreement.getInstance("XDH");
            jdkX25519Self = jdkX25519Generator.generateKeyPair();
            jdkX25519Peer = jdkX25519Generator.generateKeyPair();

            random.nextBytes(bcX25519Private);
            byte[] peerPrivate = new byte[X25519.SCALAR_SIZE];
            random.nextBytes(peerPrivate);
            X25519.scalarMultBase(peerPrivate, 0, bcX25519PeerPublic, 0);

            random.nextBytes(message);
            KeyPairGenerator ed = KeyPairGenerator.getInstance("Ed25519");
            ed.initialize(NamedParameterSpec.ED25519, random);
            jdkEd25519 = ed.generateKeyPair();
            jdkSignature = Signature.getInstance("Ed25519");
            jdkSignature.initSign(jdkEd25519.getPrivate());
            jdkSignature.update(message);
            jdkEd25519Signature = jdkSignature.sign();

            random.nextBytes(bcEd25519Seed);
            Ed25519.generatePublicKey(bcEd25519Seed, 0, bcEd25519Public, 0);
            Ed25519.sign(bcEd25519Seed, 0, bcEd25519Public, 0, message, 0, message.length, bcEd25519Signature, 0);
        }
    }

    /** A plaintext of {@code size} bytes and a 256-bit key; the nonce is a counter, as in Noise's CipherState. */
    @State(Scope.Thread)
    public static class AeadInput {
        @Param({"256", "16384"})
        int size;

        byte[] key;
        byte[] plaintext;
        private long counter;
        private final byte[] nonce = new byte[12];

        @Setup
        public void setUp() {
            SecureRandom random = new SecureRandom();
            key = new byte[32];
            random.nextBytes(key);
            plaintext = new byte[size];
            random.nextBytes(plaintext);
        }

        byte[] nextNonce() {
            ByteBuffer.wrap(nonce).putLong(4, ++counter);
            return nonce;
        }
    }

    /** HKDF and HMAC inputs of the sizes the protocol derives from: a 32-byte DH output, a 32-byte chaining key. */
    @State(Scope.Thread)
    public static class KdfInput {
        final byte[] salt = new byte[32];
        final byte[] ikm = new byte[32];
        final byte[] info = "Sotto benchmark info".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        final byte[] macInput = new byte[256];
        SecretBytes ikmSecret;

        @Setup
        public void setUp() {
            SecureRandom random = new SecureRandom();
            random.nextBytes(salt);
            random.nextBytes(ikm);
            random.nextBytes(macInput);
            ikmSecret = SecretBytes.copyOf(ikm);
        }
    }

    // X25519 key generation

    @Benchmark
    public KeyPair x25519KeygenJdk(Keys k) {
        return k.jdkX25519Generator.generateKeyPair();
    }

    @Benchmark
    public byte[] x25519KeygenBc(Keys k) {
        byte[] privateKey = new byte[X25519.SCALAR_SIZE];
        k.random.nextBytes(privateKey);
        byte[] publicKey = new byte[X25519.POINT_SIZE];
        X25519.scalarMultBase(privateKey, 0, publicKey, 0);
        return publicKey;
    }

    // X25519 agreement

    @Benchmark
    public byte[] x25519AgreeJdk(Keys k) throws GeneralSecurityException {
        k.jdkAgreement.init(k.jdkX25519Self.getPrivate());
        k.jdkAgreement.doPhase(k.jdkX25519Peer.getPublic(), true);
        return k.jdkAgreement.generateSecret();
    }

    @Benchmark
    public byte[] x25519AgreeBc(Keys k) {
        byte[] shared = new byte[X25519.POINT_SIZE];
        X25519.scalarMult(k.bcX25519Private, 0, k.bcX25519PeerPublic, 0, shared, 0);
        return shared;
    }

    // Ed25519

    @Benchmark
    public byte[] ed25519SignJdk(Keys k) throws GeneralSecurityException {
        k.jdkSignature.initSign(k.jdkEd25519.getPrivate());
        k.jdkSignature.update(k.message);
        return k.jdkSignature.sign();
    }

    @Benchmark
    public byte[] ed25519SignBc(Keys k) {
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(k.bcEd25519Seed, 0, k.bcEd25519Public, 0, k.message, 0, k.message.length, signature, 0);
        return signature;
    }

    @Benchmark
    public boolean ed25519VerifyJdk(Keys k) throws GeneralSecurityException {
        k.jdkSignature.initVerify(k.jdkEd25519.getPublic());
        k.jdkSignature.update(k.message);
        return k.jdkSignature.verify(k.jdkEd25519Signature);
    }

    @Benchmark
    public boolean ed25519VerifyBc(Keys k) {
        return Ed25519.verify(k.bcEd25519Signature, 0, k.bcEd25519Public, 0, k.message, 0, k.message.length);
    }

    // AES-256-GCM seal

    @Benchmark
    public byte[] aesGcmSealJdk(AeadInput in) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(in.key, "AES"), new GCMParameterSpec(128, in.nextNonce()));
        return c.doFinal(in.plaintext);
    }

    @Benchmark
    public byte[] aesGcmSealBc(AeadInput in) throws org.bouncycastle.crypto.InvalidCipherTextException {
        GCMBlockCipher gcm = (GCMBlockCipher) GCMBlockCipher.newInstance(AESEngine.newInstance());
        gcm.init(true, new AEADParameters(new KeyParameter(in.key), 128, in.nextNonce().clone()));
        byte[] out = new byte[gcm.getOutputSize(in.plaintext.length)];
        int n = gcm.processBytes(in.plaintext, 0, in.plaintext.length, out, 0);
        gcm.doFinal(out, n);
        return out;
    }

    // ChaCha20-Poly1305 seal

    @Benchmark
    public byte[] chachaPolySealJdk(AeadInput in) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(in.key, "ChaCha20"), new IvParameterSpec(in.nextNonce()));
        return c.doFinal(in.plaintext);
    }

    @Benchmark
    public byte[] chachaPolySealBc(AeadInput in) throws org.bouncycastle.crypto.InvalidCipherTextException {
        ChaCha20Poly1305 aead = new ChaCha20Poly1305();
        aead.init(true, new AEADParameters(new KeyParameter(in.key), 128, in.nextNonce().clone()));
        byte[] out = new byte[aead.getOutputSize(in.plaintext.length)];
        int n = aead.processBytes(in.plaintext, 0, in.plaintext.length, out, 0);
        aead.doFinal(out, n);
        return out;
    }

    // HKDF-SHA256, 32-byte output: Sotto's Hkdf (on the JDK's HMAC) against BouncyCastle's generator

    @Benchmark
    public SecretBytes hkdfSha256Jdk(KdfInput in) {
        return Hkdf.derive(HashAlgorithm.SHA256, in.salt, in.ikmSecret, in.info, 32);
    }

    @Benchmark
    public byte[] hkdfSha256Bc(KdfInput in) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(in.ikm, in.salt, in.info));
        byte[] okm = new byte[32];
        hkdf.generateBytes(okm, 0, okm.length);
        return okm;
    }

    // HMAC-SHA256 over 256 bytes

    @Benchmark
    public byte[] hmacSha256Jdk(KdfInput in) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(in.salt, "HmacSHA256"));
        return mac.doFinal(in.macInput);
    }

    @Benchmark
    public byte[] hmacSha256Bc(KdfInput in) {
        HMac mac = new HMac(new SHA256Digest());
        mac.init(new KeyParameter(in.salt));
        mac.update(in.macInput, 0, in.macInput.length);
        byte[] tag = new byte[mac.getMacSize()];
        mac.doFinal(tag, 0);
        return tag;
    }
}
