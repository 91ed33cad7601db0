package im.sotto.protocol.omemo;

import java.util.OptionalInt;

/** The outcome of decrypting one {@link EncryptedKey} with the sender device's session. */
public sealed interface KeyDecryption {
    /**
     * The key material, the sender device's identity key, whether this message started a new session (a prekey
     * message), and the one-time prekey it used up (republish the bundle after {@link OmemoPreKeys#refill()}).
     */
    record Decrypted(byte[] keyMaterial, OmemoIdentityKey senderIdentity, boolean sessionCreated,
            OptionalInt consumedPreKeyId) implements KeyDecryption {
        public Decrypted {
            keyMaterial = keyMaterial.clone();
        }

        @Override
        public byte[] keyMaterial() {
            return keyMaterial.clone();
        }

        @Override
        public String toString() {
            return "Decrypted[" + keyMaterial.length + " bytes redacted, " + senderIdentity
                    + (sessionCreated ? ", new session" : "") + "]";
        }
    }

    /** Refused; no store changed. */
    record Failed(OmemoFailure reason) implements KeyDecryption {}
}
