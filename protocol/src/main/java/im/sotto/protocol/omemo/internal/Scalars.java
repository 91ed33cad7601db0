package im.sotto.protocol.omemo.internal;

import java.math.BigInteger;

/** Little-endian conversions and arithmetic modulo the group order, for XEdDSA. */
final class Scalars {
    /** The order of the edwards25519 base point (RFC 8032, section 5.1). */
    static final BigInteger ORDER = BigInteger.TWO.pow(252)
            .add(new BigInteger("27742317777372353535851937790883648493"));

    private Scalars() {}

    static BigInteger fromLittleEndian(byte[] bytes) {
        byte[] bigEndian = new byte[bytes.length + 1];
        for (int i = 0; i < bytes.length; i++) {
            bigEndian[bytes.length - i] = bytes[i];
        }
        return new BigInteger(bigEndian);
    }

    static byte[] toLittleEndian32(BigInteger value) {
        if (value.signum() < 0 || value.bitLength() > 256) {
            throw new IllegalArgumentException("value does not fit 32 bytes");
        }
        byte[] bigEndian = value.toByteArray();
        byte[] out = new byte[32];
        for (int i = 0; i < bigEndian.length && i < 33; i++) {
            int target = bigEndian.length - 1 - i;
            if (i < 32) {
                out[i] = bigEndian[target];
            }
        }
        return out;
    }
}
