package im.sotto.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SecretBytesTest {
    private static final byte[] CONTENT = HexFormat.of().parseHex("a1b2c3d4e5f60718293a4b5c6d7e8f90");

    @Test
    void toStringShowsTheLengthButNeverTheContent() {
        String printed = SecretBytes.copyOf(CONTENT).toString();
        assertEquals("SecretBytes[16 bytes, redacted]", printed);
        assertFalse(printed.toLowerCase().contains("a1b2"), printed);
    }

    @Test
    void equalityComparesTheWholeContent() {
        SecretBytes a = SecretBytes.copyOf(CONTENT);
        assertTrue(a.equalsSecret(SecretBytes.copyOf(CONTENT)));
        assertEquals(a, SecretBytes.copyOf(CONTENT));

        byte[] lastByteDiffers = CONTENT.clone();
        lastByteDiffers[lastByteDiffers.length - 1] ^= 1;
        assertFalse(a.equalsSecret(SecretBytes.copyOf(lastByteDiffers)));

        byte[] prefix = Arrays.copyOf(CONTENT, CONTENT.length - 1);
        assertFalse(a.equalsSecret(SecretBytes.copyOf(prefix)), "a prefix is not equal");
        assertFalse(a.equalsSecret(null));
        assertNotEquals(a, (Object) CONTENT, "a raw array is never equal to a secret");
    }

    @Test
    void hashCodeDoesNotDependOnTheContent() {
        byte[] other = new byte[CONTENT.length];
        // Equal secrets must share a hash code; a content-derived one would leak bits through hash tables.
        assertEquals(SecretBytes.copyOf(CONTENT).hashCode(), SecretBytes.copyOf(other).hashCode());
    }

    @Test
    void copiesDefensivelyInAndOut() {
        byte[] source = CONTENT.clone();
        SecretBytes secret = SecretBytes.copyOf(source);
        source[0] ^= 1;
        assertArrayEquals(CONTENT, secret.reveal(), "changing the source array must not change the secret");

        byte[] revealed = secret.reveal();
        revealed[0] ^= 1;
        assertArrayEquals(CONTENT, secret.reveal(), "changing a revealed copy must not change the secret");
        assertEquals(CONTENT.length, secret.length());
    }

    @Test
    void wipeZeroesTheHeldBytes() {
        SecretBytes secret = SecretBytes.copyOf(CONTENT);
        secret.wipe();
        assertTrue(ConstantTime.isAllZero(secret.unsafeView()));
        assertEquals(CONTENT.length, secret.length());
        assertFalse(secret.equalsSecret(SecretBytes.copyOf(CONTENT)));
    }
}
