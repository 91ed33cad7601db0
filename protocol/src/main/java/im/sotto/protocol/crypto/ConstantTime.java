package im.sotto.protocol.crypto;

import java.security.MessageDigest;

/** Comparisons whose time does not depend on where two values differ. */
public final class ConstantTime {
    private ConstantTime() {}

    public static boolean equals(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    /** True when every byte is zero, inspecting all of them. */
    public static boolean isAllZero(byte[] a) {
        int acc = 0;
        for (byte x : a) {
            acc |= x;
        }
        return acc == 0;
    }
}
