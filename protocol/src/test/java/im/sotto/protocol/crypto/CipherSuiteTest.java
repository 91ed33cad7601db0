package im.sotto.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Wire ids and Noise names are part of the protocol: these literals must never change. */
class CipherSuiteTest {

    @Test
    void wireIdsAreStable() {
        assertEquals(1, CipherSuite.X25519_AESGCM_SHA256.wireId());
        assertEquals(2, CipherSuite.X25519_CHACHAPOLY_SHA256.wireId());
        assertEquals(3, CipherSuite.X25519MLKEM768_AESGCM_SHA256.wireId());
    }

    @Test
    void noiseNamesAreStable() {
        assertEquals("25519_AESGCM_SHA256", CipherSuite.X25519_AESGCM_SHA256.noiseSuffix());
        assertEquals("25519_ChaChaPoly_SHA256", CipherSuite.X25519_CHACHAPOLY_SHA256.noiseSuffix());
        assertEquals("25519+MLKEM768_AESGCM_SHA256", CipherSuite.X25519MLKEM768_AESGCM_SHA256.noiseSuffix());
    }

    @Test
    void onlyTheMlKemSuiteIsHybrid() {
        assertTrue(CipherSuite.X25519MLKEM768_AESGCM_SHA256.isHybrid());
        assertFalse(CipherSuite.X25519_AESGCM_SHA256.isHybrid());
        assertFalse(CipherSuite.X25519_CHACHAPOLY_SHA256.isHybrid());
        assertEquals(3, CipherSuite.values().length, "a new suite needs its own literals in this test");
    }

    @Test
    void suitesUseTheirNamedAlgorithms() {
        assertSame(AeadAlgorithm.AES_256_GCM, CipherSuite.X25519_AESGCM_SHA256.aead());
        assertSame(AeadAlgorithm.CHACHA20_POLY1305, CipherSuite.X25519_CHACHAPOLY_SHA256.aead());
        assertSame(AeadAlgorithm.AES_256_GCM, CipherSuite.X25519MLKEM768_AESGCM_SHA256.aead());
        for (CipherSuite suite : CipherSuite.values()) {
            assertSame(HashAlgorithm.SHA256, suite.hash());
            assertEquals(32, suite.aead().keyLength());
        }
    }

    @Test
    void fromWireIdRoundTripsEverySuite() {
        Set<Integer> ids = new HashSet<>();
        for (CipherSuite suite : CipherSuite.values()) {
            assertTrue(ids.add(suite.wireId()), "duplicate wire id " + suite.wireId());
            assertEquals(Optional.of(suite), CipherSuite.fromWireId(suite.wireId()));
        }
    }

    @Test
    void unknownWireIdsAreEmpty() {
        assertEquals(Optional.empty(), CipherSuite.fromWireId(0));
        assertEquals(Optional.empty(), CipherSuite.fromWireId(4));
        assertEquals(Optional.empty(), CipherSuite.fromWireId(-1));
        assertEquals(Optional.empty(), CipherSuite.fromWireId(Integer.MAX_VALUE));
    }
}
