package im.sotto.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.testing.TestDevices;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OnlineHandshakeTest {
    private final SecureRandom random = new SecureRandom();
    private final DeviceIdentity alice = TestDevices.newDevice(random);
    private final DeviceIdentity bob = TestDevices.newDevice(random);

    private OnlineInitiator initiator(HandshakeConfig config) {
        return OnlineInitiator.create(config, random, TestDevices.CLOCK);
    }

    private OnlineResponder responder(HandshakeConfig config) {
        return OnlineResponder.create(config, random, TestDevices.CLOCK);
    }

    @ParameterizedTest
    // Classical suites only until the hybrid handshake exists (HandshakeConfig refuses the hybrid suite).
    @EnumSource(value = CipherSuite.class, names = "X25519MLKEM768_AESGCM_SHA256", mode = EnumSource.Mode.EXCLUDE)
    void xxHandshakeAgreesOnEverythingInThreeMessages(CipherSuite suite) throws Exception {
        byte[] hello = "hello bob".getBytes(StandardCharsets.UTF_8);
        OnlineInitiator a = initiator(HandshakeConfig.builder(alice).suites(List.of(suite)).build());
        OnlineResponder b = responder(HandshakeConfig.builder(bob).build());
        Conversation c = Conversation.run(a, b, a.start(), hello, new byte[0], Conversation.Attacker.NONE);

        assertEquals(3, c.wire.size());
        HandshakeResult ra = c.initiatorResult;
        HandshakeResult rb = c.responderResult;
        assertEquals(new Selection(1, suite, HandshakeMode.XX), ra.selection());
        assertEquals(ra.selection(), rb.selection());
        assertEquals(bob.certificate(), ra.peerCertificate());
        assertEquals(alice.certificate(), rb.peerCertificate());
        assertEquals(ra.sas().orElseThrow(), rb.sas().orElseThrow());
        assertEquals(8, ra.sas().get().display().length());
        assertArrayEquals(ra.channelBinding(), rb.channelBinding());
        assertArrayEquals(hello, rb.applicationData());
        assertSeedsMatch(ra.seed(), rb.seed());
    }

    @Test
    void hybridSuiteIsRefusedUntilItsHandshakeExists() {
        assertThrows(IllegalArgumentException.class, () -> HandshakeConfig.builder(alice)
                .suites(List.of(CipherSuite.X25519MLKEM768_AESGCM_SHA256, CipherSuite.X25519_AESGCM_SHA256)).build());
    }

    @Test
    void responderProtectedModeRevealsResponderLastInFourMessages() throws Exception {
        byte[] reply = "hi alice".getBytes(StandardCharsets.UTF_8);
        OnlineInitiator a = initiator(HandshakeConfig.builder(alice).build());
        OnlineResponder b = responder(HandshakeConfig.builder(bob)
                .preferredResponderMode(HandshakeMode.RESPONDER_PROTECTED).build());
        byte[] early = "waits for the ratchet".getBytes(StandardCharsets.UTF_8);
        Conversation c = Conversation.run(a, b, a.start(), early, reply, Conversation.Attacker.NONE);

        assertEquals(4, c.wire.size());
        assertArrayEquals(early, c.initiatorResult.unsentApplicationData(), "handed back, not dropped");
        assertEquals(0, c.responderResult.applicationData().length);
        assertEquals(HandshakeMode.RESPONDER_PROTECTED, c.initiatorResult.selection().mode());
        assertEquals(bob.certificate(), c.initiatorResult.peerCertificate());
        assertEquals(alice.certificate(), c.responderResult.peerCertificate());
        assertEquals(c.initiatorResult.sas().orElseThrow(), c.responderResult.sas().orElseThrow());
        assertArrayEquals(reply, c.initiatorResult.applicationData());
        assertSeedsMatch(c.initiatorResult.seed(), c.responderResult.seed());
        // Message 2 is all the responder sends before it has authenticated the initiator: its ephemeral key and
        // an encrypted 32-byte nonce, nothing that could hold a 190-byte certificate.
        int header = 2 + Selection.LENGTH;
        assertEquals(header + 32 + 32 + 16, c.wire.get(1).length);
    }

    @Test
    void responderPolicyRefusalEndsTheHandshakeBeforeTheResponderIsRevealed() throws Exception {
        OnlineInitiator a = initiator(HandshakeConfig.builder(alice).build());
        OnlineResponder b = responder(HandshakeConfig.builder(bob)
                .preferredResponderMode(HandshakeMode.RESPONDER_PROTECTED)
                .revealToInitiator(cert -> false).build());
        byte[] m2 = b.receive(a.start()).message().orElseThrow();
        byte[] m3 = a.receive(m2).message().orElseThrow();
        HandshakeException e = assertThrows(HandshakeException.class, () -> b.receive(m3));
        assertEquals(HandshakeException.Kind.REJECTED_BY_POLICY, e.kind());
        // the responder is failed for good
        assertEquals(HandshakeException.Kind.UNEXPECTED_MESSAGE,
                assertThrows(HandshakeException.class, () -> b.receive(m3)).kind());
    }

    @Test
    void knownPeerFastPathTakesTwoMessagesAndHasNoSas() throws Exception {
        OnlineInitiator a = initiator(HandshakeConfig.builder(alice).build());
        OnlineResponder b = responder(HandshakeConfig.builder(bob).build());
        byte[] data = "from bob".getBytes(StandardCharsets.UTF_8);
        Conversation c = Conversation.run(a, b, a.startKnownPeer(bob.certificate()), new byte[0], data,
                Conversation.Attacker.NONE);
        assertEquals(2, c.wire.size());
        assertEquals(HandshakeMode.KNOWN_PEER, c.initiatorResult.selection().mode());
        assertTrue(c.initiatorResult.sas().isEmpty());
        assertEquals(alice.certificate(), c.responderResult.peerCertificate());
        assertEquals(bob.certificate(), c.initiatorResult.peerCertificate());
        assertArrayEquals(data, c.initiatorResult.applicationData());
        assertSeedsMatch(c.initiatorResult.seed(), c.responderResult.seed());
    }

    @Test
    void knownPeerWithAStaleKeyFallsBackToAFullHandshake() throws Exception {
        DeviceIdentity bobReinstalled = TestDevices.device(
                im.sotto.protocol.identity.AccountIdentity.generate(random), random);
        OnlineInitiator a = initiator(HandshakeConfig.builder(alice).build());
        OnlineResponder b = responder(HandshakeConfig.builder(bobReinstalled).build());
        Conversation c = Conversation.run(a, b, a.startKnownPeer(bob.certificate()), new byte[0], new byte[0],
                Conversation.Attacker.NONE);
        // IK init, counter-offer, retry init, response, finish
        assertEquals(5, c.wire.size());
        assertEquals(HandshakeMode.XX, c.initiatorResult.selection().mode());
        assertEquals(bobReinstalled.certificate(), c.initiatorResult.peerCertificate());
        assertTrue(c.initiatorResult.sas().isPresent());
    }

    @Test
    void counterOfferLetsTheInitiatorRetryWithASharedSuite() throws Exception {
        OnlineInitiator a = initiator(HandshakeConfig.builder(alice).build());
        OnlineResponder b = responder(HandshakeConfig.builder(bob)
                .suites(List.of(CipherSuite.X25519_AESGCM_SHA256)).build());
        Conversation c = Conversation.run(a, b, a.start(Set.of(CipherSuite.X25519_CHACHAPOLY_SHA256)), new byte[0],
                new byte[0], Conversation.Attacker.NONE);
        assertEquals(5, c.wire.size());
        assertEquals(CipherSuite.X25519_AESGCM_SHA256, c.initiatorResult.selection().suite());
        assertEquals(c.initiatorResult.sas(), c.responderResult.sas());
    }

    @Test
    void noSharedSuiteIsIncompatibleNotAWeakerSession() throws Exception {
        OnlineInitiator a = initiator(HandshakeConfig.builder(alice)
                .suites(List.of(CipherSuite.X25519_CHACHAPOLY_SHA256)).build());
        OnlineResponder b = responder(HandshakeConfig.builder(bob)
                .suites(List.of(CipherSuite.X25519_AESGCM_SHA256)).build());
        byte[] counter = b.receive(a.start()).message().orElseThrow();
        assertEquals(HandshakeException.Kind.INCOMPATIBLE,
                assertThrows(HandshakeException.class, () -> a.receive(counter)).kind());
    }

    @Test
    void sessionsBetweenTheSameDevicesNeverRepeatKeysOrSas() throws Exception {
        Conversation first = Conversation.run(initiator(HandshakeConfig.builder(alice).build()),
                responder(HandshakeConfig.builder(bob).build()));
        Conversation second = Conversation.run(initiator(HandshakeConfig.builder(alice).build()),
                responder(HandshakeConfig.builder(bob).build()));
        assertFalse(java.util.Arrays.equals(first.initiatorResult.channelBinding(),
                second.initiatorResult.channelBinding()));
        assertFalse(first.initiatorResult.seed().rootKey().equalsSecret(second.initiatorResult.seed().rootKey()));
    }

    static void assertSeedsMatch(SessionSeed initiator, SessionSeed responder) {
        assertTrue(initiator.isInitiator());
        assertFalse(responder.isInitiator());
        assertTrue(initiator.rootKey().equalsSecret(responder.rootKey()));
        assertTrue(initiator.initiatorHeaderKey().equalsSecret(responder.initiatorHeaderKey()));
        assertTrue(initiator.responderHeaderKey().equalsSecret(responder.responderHeaderKey()));
        assertFalse(initiator.initiatorHeaderKey().equalsSecret(initiator.responderHeaderKey()));
        assertArrayEquals(responder.responderRatchetKeyPair().orElseThrow().publicKey(),
                initiator.responderRatchetPublicKey());
        assertTrue(initiator.responderRatchetKeyPair().isEmpty());
    }
}
