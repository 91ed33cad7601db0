package im.sotto.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Tink's rule: the primitive draws its own nonces, and no caller can hand it one to seal under. */
class RandomNonceAeadTest {
    /** Enough seals to catch a counter stuck at a value or a nonce reused across calls; a few seconds at most. */
    private static final int SEALS = 50_000;
    private static final byte[] AD = "ad".getBytes(StandardCharsets.US_ASCII);

    @Test
    void everySealDrawsANonceNeverSeenBefore() throws Exception {
        for (AeadAlgorithm algorithm : AeadAlgorithm.values()) {
            SecretBytes key = SecretBytes.copyOf(new byte[32]);
            RandomNonceAead aead = new RandomNonceAead(algorithm, key, new SecureRandom());
            byte[] plaintext = "the same message every time".getBytes(StandardCharsets.US_ASCII);
            Set<ByteBuffer> nonces = new HashSet<>();
            Set<ByteBuffer> ciphertexts = new HashSet<>();
            for (int i = 0; i < SEALS; i++) {
                SealedBox box = aead.seal(AD, plaintext);
                assertTrue(nonces.add(ByteBuffer.wrap(box.nonce())), algorithm + ": nonce repeated at seal " + i);
                assertTrue(ciphertexts.add(ByteBuffer.wrap(box.ciphertext())), algorithm + ": ciphertext repeated");
                if (i % 1000 == 0) {
                    assertArrayEquals(plaintext, aead.open(box, AD));
                }
            }
        }
    }

    @Test
    void theBoxCarriesTheNonceItWasSealedUnder() throws Exception {
        SecretBytes key = SecretBytes.copyOf(new byte[32]);
        RandomNonceAead aead = new RandomNonceAead(AeadAlgorithm.AES_256_GCM, key, new SecureRandom());
        SealedBox box = aead.seal(AD, new byte[] {1, 2, 3});
        byte[] otherNonce = box.nonce();
        otherNonce[0] ^= 1;
        assertThrows(AuthenticationFailedException.class,
                () -> aead.open(new SealedBox(otherNonce, box.ciphertext()), AD));
        assertArrayEquals(new byte[] {1, 2, 3},
                aead.open(SealedBox.fromConcatenated(box.concatenated()), AD));
        assertThrows(AuthenticationFailedException.class, () -> aead.open(box, new byte[0]));
        assertThrows(AuthenticationFailedException.class, () -> SealedBox.fromConcatenated(new byte[27]));
    }

    @Test
    void noCallerCanChooseTheNonceOfARandomNonceSeal() {
        // Sealing takes associated data and plaintext, nothing else; no constructor takes a nonce either.
        List<String> nonceTaking = new ArrayList<>();
        for (Executable e : Stream.concat(Arrays.stream(RandomNonceAead.class.getConstructors()),
                Arrays.stream(RandomNonceAead.class.getMethods())).toList()) {
            boolean constructor = e.getName().equals(RandomNonceAead.class.getName());
            boolean seals = constructor || e.getName().toLowerCase(java.util.Locale.ROOT).contains("seal");
            long byteArrays = Arrays.stream(e.getParameterTypes()).filter(byte[].class::equals).count();
            if (seals && byteArrays > 2) {
                nonceTaking.add(e.toString());
            }
        }
        assertEquals(List.of(), nonceTaking);
        Method seal = Arrays.stream(RandomNonceAead.class.getMethods()).filter(m -> m.getName().equals("seal"))
                .findFirst().orElseThrow();
        assertArrayEquals(new Class<?>[] {byte[].class, byte[].class}, seal.getParameterTypes());
        assertEquals(SealedBox.class, seal.getReturnType());
    }

    @Test
    void theAlgorithmEnumSealsNothingByItself() {
        // Before, AeadAlgorithm.seal(key, nonce, ad, plaintext) was public: any caller could pick (and repeat) a nonce.
        for (Method m : AeadAlgorithm.class.getDeclaredMethods()) {
            boolean isPublic = Modifier.isPublic(m.getModifiers());
            assertFalse(isPublic && (m.getName().equals("seal") || m.getName().equals("open")), m.toString());
        }
    }
}
