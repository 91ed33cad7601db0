package im.sotto.protocol.omemo.internal;

import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoFailure;
import java.util.Arrays;

/** Signal's serialisation of a Curve25519 public key: the type byte 0x05 ("DJB") followed by the 32-byte u. */
public final class CurveKeys {
    public static final byte DJB_TYPE = 0x05;
    public static final int KEY_LENGTH = 32;
    public static final int SERIALIZED_LENGTH = 33;

    private CurveKeys() {}

    public static byte[] serialize(byte[] publicKey) {
        if (publicKey.length != KEY_LENGTH) {
            throw new IllegalArgumentException("Curve25519 public key must be 32 bytes");
        }
        byte[] out = new byte[SERIALIZED_LENGTH];
        out[0] = DJB_TYPE;
        System.arraycopy(publicKey, 0, out, 1, KEY_LENGTH);
        return out;
    }

    public static byte[] parse(byte[] serialized, String what) throws OmemoException {
        if (serialized == null || serialized.length != SERIALIZED_LENGTH || serialized[0] != DJB_TYPE) {
            throw new OmemoException(OmemoFailure.INVALID_PUBLIC_KEY, what + " is not 0x05 and 32 bytes");
        }
        return Arrays.copyOfRange(serialized, 1, SERIALIZED_LENGTH);
    }
}
