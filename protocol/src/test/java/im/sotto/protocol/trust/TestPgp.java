package im.sotto.protocol.trust;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;

/** OpenPGP keys (v4, EdDSA) made in the test with BouncyCastle, and signatures by them. */
public final class TestPgp {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A generated key: the public ring (what a keyring holds) and the private keys to sign with. */
    public static final class Key {
        PGPPublicKeyRing ring;
        final PGPKeyPair primary;
        final PGPKeyPair subkey;

        Key(PGPPublicKeyRing ring, PGPKeyPair primary, PGPKeyPair subkey) {
            this.ring = ring;
            this.primary = primary;
            this.subkey = subkey;
        }

        public PGPPublicKeyRingCollection keyring() {
            return new PGPPublicKeyRingCollection(List.of(ring));
        }

        PGPPublicKey primaryPublic() {
            return ring.getPublicKey();
        }

        PGPPublicKey subkeyPublic() {
            return ring.getPublicKey(subkey.getKeyID());
        }

        public byte[] sign(byte[] data, Instant at) throws Exception {
            return TestPgp.sign(data, at, primaryPublic(), primary.getPrivateKey(), HashAlgorithmTags.SHA256, 0);
        }

        byte[] signWithSubkey(byte[] data, Instant at) throws Exception {
            return TestPgp.sign(data, at, subkeyPublic(), subkey.getPrivateKey(), HashAlgorithmTags.SHA256, 0);
        }

        /** Adds a user id to this key, certified by {@code certifier}'s primary key (a self-certification if it is this key). */
        void addUserId(String userId, Key certifier, Instant at) throws Exception {
            PGPSignatureGenerator g = generator(certifier.primaryPublic(), HashAlgorithmTags.SHA256);
            g.init(PGPSignature.POSITIVE_CERTIFICATION, certifier.primary.getPrivateKey());
            g.setHashedSubpackets(created(at).generate());
            PGPSignature cert = g.generateCertification(userId, primaryPublic());
            ring = PGPPublicKeyRing.insertPublicKey(ring, PGPPublicKey.addCertification(primaryPublic(), userId, cert));
        }

        /** Adds a key revocation made by the primary key. */
        void revoke(Instant at) throws Exception {
            PGPSignatureGenerator g = generator(primaryPublic(), HashAlgorithmTags.SHA256);
            g.init(PGPSignature.KEY_REVOCATION, primary.getPrivateKey());
            g.setHashedSubpackets(created(at).generate());
            PGPSignature revocation = g.generateCertification(primaryPublic());
            ring = PGPPublicKeyRing.insertPublicKey(ring, PGPPublicKey.addCertification(primaryPublic(), revocation));
        }
    }

    private TestPgp() {}

    static PGPKeyPair keyPair(Instant created) throws Exception {
        Ed25519KeyPairGenerator g = new Ed25519KeyPairGenerator();
        g.init(new Ed25519KeyGenerationParameters(RANDOM));
        AsymmetricCipherKeyPair kp = g.generateKeyPair();
        return new BcPGPKeyPair(PublicKeyPacket.VERSION_4, PublicKeyAlgorithmTags.EDDSA_LEGACY, kp,
                Date.from(created));
    }

    /** A key with one user id, created at {@code created}, expiring after {@code expirySeconds} (0: never). */
    public static Key generate(String userId, Instant created, long expirySeconds, boolean withSigningSubkey)
            throws Exception {
        PGPKeyPair primary = keyPair(created);
        PGPSignatureSubpacketGenerator hashed = created(created);
        hashed.setKeyFlags(false, KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
        if (expirySeconds > 0) {
            hashed.setKeyExpirationTime(false, expirySeconds);
        }
        PGPKeyRingGenerator gen = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, primary, userId,
                new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1), hashed.generate(), null,
                new BcPGPContentSignerBuilder(PublicKeyAlgorithmTags.EDDSA_LEGACY, HashAlgorithmTags.SHA256), null);
        PGPKeyPair subkey = null;
        if (withSigningSubkey) {
            subkey = keyPair(created);
            PGPSignatureGenerator back = generator(subkey.getPublicKey(), HashAlgorithmTags.SHA256);
            back.init(PGPSignature.PRIMARYKEY_BINDING, subkey.getPrivateKey());
            back.setHashedSubpackets(created(created).generate());
            PGPSignature backSig = back.generateCertification(primary.getPublicKey(), subkey.getPublicKey());
            PGPSignatureSubpacketGenerator subHashed = created(created);
            subHashed.setKeyFlags(false, KeyFlags.SIGN_DATA);
            subHashed.addEmbeddedSignature(false, backSig);
            gen.addSubKey(subkey, subHashed.generate(), null);
        }
        return new Key(gen.generatePublicKeyRing(), primary, subkey);
    }

    static byte[] sign(byte[] data, Instant at, PGPPublicKey signer, PGPPrivateKey key, int hash,
            long expirySeconds) throws Exception {
        PGPSignatureGenerator g = generator(signer, hash);
        g.init(PGPSignature.BINARY_DOCUMENT, key);
        PGPSignatureSubpacketGenerator hashed = created(at);
        hashed.setIssuerFingerprint(false, signer);
        if (expirySeconds > 0) {
            hashed.setSignatureExpirationTime(false, expirySeconds);
        }
        g.setHashedSubpackets(hashed.generate());
        g.update(data);
        return g.generate().getEncoded();
    }

    private static PGPSignatureGenerator generator(PGPPublicKey signer, int hash) {
        return new PGPSignatureGenerator(new BcPGPContentSignerBuilder(signer.getAlgorithm(), hash), signer);
    }

    private static PGPSignatureSubpacketGenerator created(Instant at) {
        PGPSignatureSubpacketGenerator g = new PGPSignatureSubpacketGenerator();
        g.setSignatureCreationTime(false, Date.from(at));
        return g;
    }
}
