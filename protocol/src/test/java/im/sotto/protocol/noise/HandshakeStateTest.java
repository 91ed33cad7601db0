package im.sotto.protocol.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.X25519KeyPair;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class HandshakeStateTest {
    private final SecureRandom random = new SecureRandom();
    private final X25519KeyPair aliceStatic = X25519KeyPair.generate(random);
    private final X25519KeyPair bobStatic = X25519KeyPair.generate(random);

    private HandshakeState side(HandshakePattern p, boolean initiator) {
        return HandshakeState.builder(p, CipherSuite.X25519_AESGCM_SHA256, initiator).prologue(new byte[] {7})
                .localStatic(initiator ? aliceStatic : bobStatic).random(random).build();
    }

    @Test
    void responderProtectedPatternCompletesInFourMessages() throws Exception {
        HandshakeState a = side(HandshakePattern.XX_RESPONDER_PROTECTED, true);
        HandshakeState b = side(HandshakePattern.XX_RESPONDER_PROTECTED, false);
        b.readMessage(a.writeMessage(new byte[0]));
        a.readMessage(b.writeMessage(new byte[0]));
        b.readMessage(a.writeMessage(new byte[0]));
        assertEquals(null, a.remoteStaticKey(), "responder static not yet revealed after message 3");
        a.readMessage(b.writeMessage(new byte[] {1}));
        assertEquals(HandshakeState.Status.COMPLETE, a.status());
        assertEquals(HandshakeState.Status.COMPLETE, b.status());
        assertArrayEquals(bobStatic.publicKey(), a.remoteStaticKey());
        assertArrayEquals(aliceStatic.publicKey(), b.remoteStaticKey());
        assertArrayEquals(a.handshakeHash(), b.handshakeHash());
    }

    @Test
    void outOfOrderUseIsAWrongStateError() throws Exception {
        HandshakeState a = side(HandshakePattern.XX, true);
        assertEquals(NoiseException.Kind.WRONG_STATE,
                assertThrows(NoiseException.class, () -> a.readMessage(new byte[32])).kind());
        assertEquals(NoiseException.Kind.WRONG_STATE, assertThrows(NoiseException.class, a::split).kind());
    }

    @Test
    void failureIsTerminal() throws Exception {
        HandshakeState a = side(HandshakePattern.XX, true);
        HandshakeState b = side(HandshakePattern.XX, false);
        b.readMessage(a.writeMessage(new byte[0]));
        byte[] m2 = b.writeMessage(new byte[0]);
        m2[40] ^= 1;
        assertEquals(NoiseException.Kind.AUTHENTICATION_FAILED,
                assertThrows(NoiseException.class, () -> a.readMessage(m2)).kind());
        assertEquals(HandshakeState.Status.FAILED, a.status());
        m2[40] ^= 1;
        assertEquals(NoiseException.Kind.WRONG_STATE,
                assertThrows(NoiseException.class, () -> a.readMessage(m2)).kind());
    }

    @Test
    void lowOrderEphemeralIsRejected() throws Exception {
        HandshakeState b = side(HandshakePattern.XX, false);
        b.readMessage(new byte[32]); // all-zero "public key": the first DH in message 2 must refuse it
        assertEquals(NoiseException.Kind.INVALID_KEY,
                assertThrows(NoiseException.class, () -> b.writeMessage(new byte[0])).kind());
    }

    @Test
    void truncatedMessageIsMalformed() throws Exception {
        HandshakeState b = side(HandshakePattern.XX, false);
        assertEquals(NoiseException.Kind.MALFORMED,
                assertThrows(NoiseException.class, () -> b.readMessage(new byte[31])).kind());
    }
}
