package im.sotto.protocol.omemo.internal;

import im.sotto.protocol.crypto.ConstantTime;
import im.sotto.protocol.crypto.HashAlgorithm;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoFailure;
import im.sotto.protocol.omemo.OmemoLimits;
import java.util.Arrays;

/**
 * Signal's normal message, version 3: the version byte 0x33, the protobuf fields ratchetKey = 1 (0x05-prefixed key),
 * counter = 2, previousCounter = 3 and ciphertext = 4 (AES-256-CBC), then the first 8 bytes of HMAC-SHA256 under
 * the message's MAC key over sender identity (33 bytes) || receiver identity (33 bytes) || version and protobuf.
 */
public final class SignalMessage {
    /** High nibble: this message's version; low nibble: the sender's highest version. Both 3 for OMEMO 0.3. */
    public static final int VERSION_BYTE = 0x33;
    public static final int PROTOCOL_VERSION = 3;
    public static final int MAC_LENGTH = 8;
    private static final int CBC_BLOCK = 16;
    private static final Protobuf.Schema SCHEMA = new Protobuf.Schema().bytes(1).varint(2).varint(3).bytes(4);

    private final byte[] ratchetKey;
    private final int counter;
    private final int previousCounter;
    private final byte[] ciphertext;
    private final byte[] serialized;

    private SignalMessage(byte[] ratchetKey, int counter, int previousCounter, byte[] ciphertext, byte[] serialized) {
        this.ratchetKey = ratchetKey;
        this.counter = counter;
        this.previousCounter = previousCounter;
        this.ciphertext = ciphertext;
        this.serialized = serialized;
    }

    public static SignalMessage create(byte[] macKey, byte[] senderIdentity, byte[] receiverIdentity,
            byte[] ratchetKey, int counter, int previousCounter, byte[] ciphertext) {
        byte[] body = new Protobuf.Writer().bytes(1, CurveKeys.serialize(ratchetKey)).uint32(2, counter)
                .uint32(3, previousCounter).bytes(4, ciphertext).toByteArray();
        byte[] versioned = new byte[1 + body.length];
        versioned[0] = (byte) VERSION_BYTE;
        System.arraycopy(body, 0, versioned, 1, body.length);
        byte[] mac = mac(macKey, senderIdentity, receiverIdentity, versioned);
        byte[] serialized = Arrays.copyOf(versioned, versioned.length + MAC_LENGTH);
        System.arraycopy(mac, 0, serialized, versioned.length, MAC_LENGTH);
        return new SignalMessage(ratchetKey.clone(), counter, previousCounter, ciphertext.clone(), serialized);
    }

    public static SignalMessage parse(byte[] data) throws OmemoException {
        if (data == null || data.length < 1 + MAC_LENGTH) {
            throw new OmemoException(OmemoFailure.MALFORMED, "Signal message too short");
        }
        if (data.length > OmemoLimits.MAX_SIGNAL_MESSAGE_LENGTH) {
            throw new OmemoException(OmemoFailure.MALFORMED, "Signal message too long");
        }
        checkVersion(data[0]);
        byte[] body = Arrays.copyOfRange(data, 0, data.length - MAC_LENGTH);
        Protobuf.Fields fields = Protobuf.parse(body, 1, SCHEMA);
        byte[] ratchetKey = CurveKeys.parse(fields.bytes(1, "ratchetKey"), "ratchet key");
        int counter = fields.uint32(2, "counter");
        // previousCounter is informational (chains are kept, not skipped ahead); absent means 0, as in protobuf.
        int previousCounter = fields.has(3) ? fields.uint32(3, "previousCounter") : 0;
        byte[] ciphertext = fields.bytes(4, "ciphertext");
        if (ciphertext.length == 0 || ciphertext.length % CBC_BLOCK != 0) {
            throw new OmemoException(OmemoFailure.MALFORMED, "ciphertext is not whole AES blocks");
        }
        return new SignalMessage(ratchetKey, counter, previousCounter, ciphertext, data.clone());
    }

    /** The version byte's high nibble must be 3; the low nibble (the sender's highest version) is not used. */
    static void checkVersion(byte versionByte) throws OmemoException {
        if (((versionByte & 0xff) >>> 4) != PROTOCOL_VERSION) {
            throw new OmemoException(OmemoFailure.UNSUPPORTED_VERSION,
                    "Signal message version " + ((versionByte & 0xff) >>> 4));
        }
    }

    public boolean verifyMac(byte[] macKey, byte[] senderIdentity, byte[] receiverIdentity) {
        byte[] expected = mac(macKey, senderIdentity, receiverIdentity,
                Arrays.copyOf(serialized, serialized.length - MAC_LENGTH));
        byte[] received = Arrays.copyOfRange(serialized, serialized.length - MAC_LENGTH, serialized.length);
        return ConstantTime.equals(expected, received);
    }

    private static byte[] mac(byte[] macKey, byte[] senderIdentity, byte[] receiverIdentity, byte[] versioned) {
        byte[] full = HashAlgorithm.SHA256.hmac(SecretBytes.copyOf(macKey), CurveKeys.serialize(senderIdentity),
                CurveKeys.serialize(receiverIdentity), versioned);
        return Arrays.copyOf(full, MAC_LENGTH);
    }

    public byte[] ratchetKey() {
        return ratchetKey.clone();
    }

    public int counter() {
        return counter;
    }

    public int previousCounter() {
        return previousCounter;
    }

    public byte[] ciphertext() {
        return ciphertext.clone();
    }

    public byte[] serialized() {
        return serialized.clone();
    }
}
