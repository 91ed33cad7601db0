package im.sotto.protocol.ratchet;

import im.sotto.protocol.crypto.AeadAlgorithm;
import java.util.Arrays;

/**
 * The binary layout of a ratchet message (docs/protocol.md, "Double Ratchet messages"):
 * <pre>
 * version (1) = 0x01 | type (1) | header nonce (12) | header ciphertext (header + 16) | payload ciphertext (n + 16)
 * </pre>
 * Type 0x01 carries a 44-byte header, type 0x02 a 76-byte header (with a heartbeat key). The payload runs to the end.
 */
final class WireMessage {
    static final byte VERSION = 0x01;
    static final byte TYPE_MESSAGE = 0x01;
    static final byte TYPE_HEARTBEAT_MESSAGE = 0x02;
    static final int PREFIX_LENGTH = 2 + AeadAlgorithm.NONCE_LENGTH;
    static final int MAX_LENGTH = PREFIX_LENGTH + Header.LENGTH_WITH_HEARTBEAT + 2 * AeadAlgorithm.TAG_LENGTH
            + RatchetLimits.MAX_PLAINTEXT_LENGTH;

    final byte type;
    /** version, type, header nonce and header ciphertext: the bytes bound into the payload's associated data. */
    final byte[] prefix;
    final byte[] headerNonce;
    final byte[] headerCiphertext;
    final byte[] payloadCiphertext;

    private WireMessage(byte type, byte[] prefix, byte[] headerNonce, byte[] headerCiphertext, byte[] payload) {
        this.type = type;
        this.prefix = prefix;
        this.headerNonce = headerNonce;
        this.headerCiphertext = headerCiphertext;
        this.payloadCiphertext = payload;
    }

    static byte typeFor(boolean heartbeat) {
        return heartbeat ? TYPE_HEARTBEAT_MESSAGE : TYPE_MESSAGE;
    }

    static int headerLength(byte type) {
        return type == TYPE_HEARTBEAT_MESSAGE ? Header.LENGTH_WITH_HEARTBEAT : Header.LENGTH;
    }

    /** The associated data of the header AEAD: version and type. */
    static byte[] headerAssociatedData(byte type) {
        return new byte[] {VERSION, type};
    }

    static byte[] prefix(byte type, byte[] headerNonce, byte[] headerCiphertext) {
        byte[] out = new byte[PREFIX_LENGTH + headerCiphertext.length];
        out[0] = VERSION;
        out[1] = type;
        System.arraycopy(headerNonce, 0, out, 2, headerNonce.length);
        System.arraycopy(headerCiphertext, 0, out, PREFIX_LENGTH, headerCiphertext.length);
        return out;
    }

    /** Strict parse: the version first, then every length; nothing here throws anything but {@link Rejected}. */
    static WireMessage parse(byte[] message) throws Rejected {
        if (message == null || message.length < 2) {
            throw new Rejected(DecryptResult.Reason.MALFORMED);
        }
        if (message[0] != VERSION) {
            throw new Rejected(DecryptResult.Reason.UNSUPPORTED_VERSION);
        }
        byte type = message[1];
        if (type != TYPE_MESSAGE && type != TYPE_HEARTBEAT_MESSAGE) {
            throw new Rejected(DecryptResult.Reason.MALFORMED);
        }
        int headerCiphertextLength = headerLength(type) + AeadAlgorithm.TAG_LENGTH;
        int payloadStart = PREFIX_LENGTH + headerCiphertextLength;
        if (message.length < payloadStart + AeadAlgorithm.TAG_LENGTH || message.length > MAX_LENGTH) {
            throw new Rejected(DecryptResult.Reason.MALFORMED);
        }
        byte[] prefix = Arrays.copyOfRange(message, 0, payloadStart);
        byte[] nonce = Arrays.copyOfRange(message, 2, PREFIX_LENGTH);
        byte[] headerCiphertext = Arrays.copyOfRange(message, PREFIX_LENGTH, payloadStart);
        byte[] payload = Arrays.copyOfRange(message, payloadStart, message.length);
        return new WireMessage(type, prefix, nonce, headerCiphertext, payload);
    }

    /** The payload's associated data: the prefix (version, type, header nonce, header ciphertext), then the caller's. */
    byte[] payloadAssociatedData(byte[] callerAssociatedData) {
        return concat(prefix, callerAssociatedData);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
