package im.sotto.protocol.omemo2;

import im.sotto.protocol.omemo.OmemoFailure;
import java.util.OptionalInt;

/** The outcome of decrypting one OMEMO 2 message (its key element for this device and its payload, if any). */
public sealed interface Omemo2Decryption {
    /**
     * The decrypted payload (the SCE envelope, still to be checked by the binding), the sender device's identity key,
     * whether this message started a new session (a key exchange), and the one-time prekey it used up (republish the
     * bundle after {@link Omemo2LocalKeys#refill()}).
     */
    record Message(byte[] envelope, Omemo2IdentityKey senderIdentity, boolean sessionCreated,
            OptionalInt consumedPreKeyId) implements Omemo2Decryption {
        public Message {
            envelope = envelope.clone();
        }

        @Override
        public byte[] envelope() {
            return envelope.clone();
        }

        @Override
        public String toString() {
            return "Message[" + envelope.length + " bytes redacted, " + senderIdentity
                    + (sessionCreated ? ", new session" : "") + "]";
        }
    }

    /** An empty OMEMO message (no payload): the session advanced, nothing to deliver. */
    record Empty(Omemo2IdentityKey senderIdentity, boolean sessionCreated, OptionalInt consumedPreKeyId)
            implements Omemo2Decryption {}

    /** Refused; no store changed. */
    record Failed(OmemoFailure reason) implements Omemo2Decryption {}
}
