package im.sotto.protocol.omemo;

/** The outcome of decrypting an {@link OmemoMessage} addressed to this device. */
public sealed interface OmemoDecryption {
    /** A message body (the decrypted payload, UTF-8 text for chat messages) and how its key arrived. */
    record Message(byte[] plaintext, KeyDecryption.Decrypted key) implements OmemoDecryption {
        public Message {
            plaintext = plaintext.clone();
        }

        @Override
        public byte[] plaintext() {
            return plaintext.clone();
        }

        @Override
        public String toString() {
            return "Message[" + plaintext.length + " bytes redacted, " + key + "]";
        }
    }

    /** A key transport message (no payload): it only moved the session forward, e.g. answered a prekey message. */
    record KeyTransport(KeyDecryption.Decrypted key) implements OmemoDecryption {}

    /** Refused; no store changed. */
    record Failed(OmemoFailure reason) implements OmemoDecryption {}
}
