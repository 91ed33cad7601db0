package im.sotto.protocol.identity;

import im.sotto.protocol.crypto.Ed25519KeyPair;
import im.sotto.protocol.crypto.SecretBytes;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Set;

/**
 * An account's long-term identity key (Ed25519), one per account. It never signs messages; it only certifies the
 * account's devices, so users verify one key per contact however many devices the contact has.
 */
public final class AccountIdentity {
    private final Ed25519KeyPair keyPair;
    private final AccountPublicKey publicKey;

    private AccountIdentity(Ed25519KeyPair keyPair) {
        this.keyPair = keyPair;
        this.publicKey = AccountPublicKey.of(keyPair.publicKey());
    }

    public static AccountIdentity generate(SecureRandom random) {
        return new AccountIdentity(Ed25519KeyPair.generate(random));
    }

    /** Restores an identity from its stored seed. */
    public static AccountIdentity fromSeed(SecretBytes seed) {
        return new AccountIdentity(Ed25519KeyPair.fromSeed(seed));
    }

    public AccountPublicKey publicKey() {
        return publicKey;
    }

    /** The secret seed, for the encrypted store only. */
    public SecretBytes seed() {
        return keyPair.seed();
    }

    /** Signs a certificate for one device key. */
    public DeviceCertificate certify(long deviceId, byte[] devicePublicKey, Set<Integer> versions,
            Set<Integer> suiteIds, Instant notBefore, Instant notAfter) {
        return DeviceCertificate.sign(keyPair, publicKey, deviceId, devicePublicKey, versions, suiteIds, notBefore,
                notAfter);
    }

    /** Signs other Sotto structures (signed prekeys) under a domain-separating label the caller includes. */
    public byte[] sign(byte[] labelledMessage) {
        return keyPair.sign(labelledMessage);
    }

    @Override
    public String toString() {
        return "AccountIdentity[" + publicKey.fingerprint().shortForm() + ", private key redacted]";
    }
}
