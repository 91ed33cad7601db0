package im.sotto.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.testing.TestDevices;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** An optional per-contact password, through CPace inside the handshake. */
class PasswordHandshakeTest {
    private static final byte[] PASSWORD = "amber lighthouse".getBytes(StandardCharsets.UTF_8);
    private final SecureRandom random = new SecureRandom();
    private final DeviceIdentity alice = TestDevices.newDevice(random);
    private final DeviceIdentity bob = TestDevices.newDevice(random);

    private OnlineInitiator alice(byte[] password) {
        OnlineInitiator a = OnlineInitiator.create(HandshakeConfig.builder(alice).build(), random, TestDevices.CLOCK);
        return password == null ? a : a.usePassword(password);
    }

    private OnlineResponder bob(byte[] password, HandshakeMode mode) {
        OnlineResponder b = OnlineResponder.create(HandshakeConfig.builder(bob)
                .preferredResponderMode(mode == HandshakeMode.KNOWN_PEER ? HandshakeMode.XX : mode).build(), random,
                TestDevices.CLOCK);
        return password == null ? b : b.usePassword(password);
    }

    private static byte[] first(OnlineInitiator a, HandshakeMode mode, DeviceIdentity peer) throws Exception {
        return mode == HandshakeMode.KNOWN_PEER ? a.startKnownPeer(peer.certificate()) : a.start();
    }

    @ParameterizedTest
    @EnumSource(HandshakeMode.class)
    void theSamePasswordOnBothSidesCompletesEveryMode(HandshakeMode mode) throws Exception {
        OnlineInitiator a = alice(PASSWORD);
        Conversation c = Conversation.run(a, bob(PASSWORD, mode), first(a, mode, bob), new byte[0], new byte[0],
                Conversation.Attacker.NONE);
        assertEquals(mode, c.initiatorResult.selection().mode());
        OnlineHandshakeTest.assertSeedsMatch(c.initiatorResult.seed(), c.responderResult.seed());
    }

    @ParameterizedTest
    @EnumSource(HandshakeMode.class)
    void aWrongPasswordIsAPasswordMismatchAndTheInitiatorSendsNothingMore(HandshakeMode mode) throws Exception {
        OnlineInitiator a = alice("amber lighthouze".getBytes(StandardCharsets.UTF_8));
        OnlineResponder b = bob(PASSWORD, mode);
        byte[] response = b.receive(first(a, mode, bob)).message().orElseThrow();
        HandshakeException e = assertThrows(HandshakeException.class, () -> a.receive(response));
        assertEquals(HandshakeException.Kind.PASSWORD_MISMATCH, e.kind());
        assertEquals(HandshakeException.Kind.UNEXPECTED_MESSAGE,
                assertThrows(HandshakeException.class, () -> a.receive(response)).kind(), "failed for good");
    }

    @Test
    void anActiveAttackerWithoutThePasswordCannotFinishAsInitiator() throws Exception {
        OnlineInitiator mallory = alice("guess".getBytes(StandardCharsets.UTF_8));
        OnlineResponder b = bob(PASSWORD, HandshakeMode.XX);
        byte[] response = b.receive(mallory.start()).message().orElseThrow();
        // Mallory cannot verify Bob's confirmation, so she cannot produce a message 3 Bob accepts.
        assertEquals(HandshakeException.Kind.PASSWORD_MISMATCH,
                assertThrows(HandshakeException.class, () -> mallory.receive(response)).kind());
    }

    @Test
    void oneSideWithoutThePasswordIsRefusedWithAClearReason() throws Exception {
        OnlineInitiator noPassword = alice(null);
        assertEquals(HandshakeException.Kind.PASSWORD_REQUIRED, assertThrows(HandshakeException.class,
                () -> bob(PASSWORD, HandshakeMode.XX).receive(noPassword.start())).kind());
        OnlineInitiator withPassword = alice(PASSWORD);
        assertEquals(HandshakeException.Kind.PASSWORD_MISMATCH, assertThrows(HandshakeException.class,
                () -> bob(null, HandshakeMode.XX).receive(withPassword.start())).kind());
    }

    @Test
    void strippingThePasswordFromMessageOneIsRefused() throws Exception {
        // A classical offer, so that the share follows the offer directly.
        OnlineInitiator a = OnlineInitiator.create(HandshakeConfig.builder(alice)
                .suites(java.util.List.of(im.sotto.protocol.crypto.CipherSuite.X25519_AESGCM_SHA256)).build(), random,
                TestDevices.CLOCK).usePassword(PASSWORD);
        byte[] m1 = a.start();
        // Clear the flag and cut the 2-byte-prefixed 34-byte share out.
        byte[] stripped = new byte[m1.length - 36];
        System.arraycopy(m1, 0, stripped, 0, 5);
        System.arraycopy(m1, 5 + 36, stripped, 5, stripped.length - 5);
        stripped[4] &= ~Offer.PASSWORD_FLAG;
        assertEquals(HandshakeException.Kind.PASSWORD_REQUIRED, assertThrows(HandshakeException.class,
                () -> bob(PASSWORD, HandshakeMode.XX).receive(stripped)).kind());
        // Against a responder without a password, the answer lacks the password exchange the initiator asked for
        // (and was computed over another offer): the initiator refuses it.
        OnlineResponder unprotected = bob(null, HandshakeMode.XX);
        byte[] response = unprotected.receive(stripped).message().orElseThrow();
        HandshakeException.Kind kind = assertThrows(HandshakeException.class, () -> a.receive(response)).kind();
        org.junit.jupiter.api.Assertions.assertTrue(kind == HandshakeException.Kind.TAMPERED
                || kind == HandshakeException.Kind.MALFORMED, kind.toString());
    }
}
