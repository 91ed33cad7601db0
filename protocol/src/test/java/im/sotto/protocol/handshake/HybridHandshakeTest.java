package im.sotto.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.MlKem768;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.ratchet.DecryptResult;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.testing.TestDevices;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The hybrid X25519 + ML-KEM-768 suite through every handshake mode, and attacks on its extra fields. */
class HybridHandshakeTest {
    private static final CipherSuite HYBRID = CipherSuite.X25519MLKEM768_AESGCM_SHA256;
    private static final List<CipherSuite> HYBRID_FIRST = List.of(HYBRID, CipherSuite.X25519_AESGCM_SHA256);
    private final SecureRandom random = new SecureRandom();
    private final DeviceIdentity alice = TestDevices.newDevice(random);
    private final DeviceIdentity bob = TestDevices.newDevice(random);

    private OnlineInitiator alice() {
        return OnlineInitiator.create(HandshakeConfig.builder(alice).suites(HYBRID_FIRST).build(), random,
                TestDevices.CLOCK);
    }

    private OnlineResponder bob(HandshakeMode mode) {
        return OnlineResponder.create(HandshakeConfig.builder(bob).suites(HYBRID_FIRST)
                .preferredResponderMode(mode == HandshakeMode.KNOWN_PEER ? HandshakeMode.XX : mode).build(), random,
                TestDevices.CLOCK);
    }

    @ParameterizedTest
    @EnumSource(HandshakeMode.class)
    void everyModeRunsTheHybridSuiteAndSeedsAWorkingRatchet(HandshakeMode mode) throws Exception {
        OnlineInitiator a = alice();
        byte[] first = mode == HandshakeMode.KNOWN_PEER ? a.startKnownPeer(bob.certificate()) : a.start();
        assertTrue(first.length > MlKem768.ENCAPSULATION_KEY_LENGTH, "message 1 carries the ML-KEM key");
        Conversation c = Conversation.run(a, bob(mode), first, new byte[0], new byte[0], Conversation.Attacker.NONE);
        assertEquals(new Selection(1, HYBRID, mode), c.initiatorResult.selection());
        assertTrue(c.wire.get(1).length > MlKem768.CIPHERTEXT_LENGTH, "message 2 carries the ML-KEM ciphertext");
        assertEquals(c.initiatorResult.sas(), c.responderResult.sas());
        OnlineHandshakeTest.assertSeedsMatch(c.initiatorResult.seed(), c.responderResult.seed());
        RatchetSession ra = RatchetSession.start(c.initiatorResult.seed().toRatchetInit(), random, TestDevices.CLOCK);
        RatchetSession rb = RatchetSession.start(c.responderResult.seed().toRatchetInit(), random, TestDevices.CLOCK);
        byte[] m = ra.encrypt(new byte[] {42}, new byte[0]);
        assertArrayEquals(new byte[] {42},
                assertInstanceOf(DecryptResult.Decrypted.class, rb.decrypt(m, new byte[0])).plaintext());
    }

    @Test
    void downgradeFromHybridToClassicalByEditingTheOfferIsTampering() throws Exception {
        OnlineInitiator a = alice();
        byte[] m1 = a.start(java.util.Set.copyOf(HYBRID_FIRST)); // both offered: the attacker removes the hybrid
        // Clear the hybrid suite's bit (suite id 3: bit 2 of the suites byte) and cut the ML-KEM key out.
        Conversation.Attacker strip = Conversation.Attacker.at(0, m -> {
            byte[] out = new byte[m.length - MlKem768.ENCAPSULATION_KEY_LENGTH];
            System.arraycopy(m, 0, out, 0, 5);
            System.arraycopy(m, 5 + MlKem768.ENCAPSULATION_KEY_LENGTH, out, 5, out.length - 5);
            out[3] &= ~4;
            return out;
        });
        assertEquals(HandshakeException.Kind.TAMPERED, assertThrows(HandshakeException.class,
                () -> Conversation.run(a, bob(HandshakeMode.XX), m1, new byte[0], new byte[0], strip)).kind());
    }

    @Test
    void preferringTheHybridSuiteOffersItAloneAndFallsBackThroughACounterOffer() throws Exception {
        OnlineInitiator a = alice();
        OnlineResponder classicalOnly = OnlineResponder.create(HandshakeConfig.builder(bob)
                .suites(List.of(CipherSuite.X25519_AESGCM_SHA256)).build(), random, TestDevices.CLOCK);
        Conversation c = Conversation.run(a, classicalOnly, a.start(), new byte[0], new byte[0],
                Conversation.Attacker.NONE);
        assertEquals(5, c.wire.size(), "init, counter-offer, retry, response, finish");
        assertEquals(CipherSuite.X25519_AESGCM_SHA256, c.initiatorResult.selection().suite());
        OnlineInitiator classicalFirst = OnlineInitiator.create(HandshakeConfig.builder(alice).build(), random,
                TestDevices.CLOCK);
        assertTrue(classicalFirst.start().length < MlKem768.ENCAPSULATION_KEY_LENGTH,
                "a device that does not prefer the hybrid suite sends no ML-KEM key");
    }

    @Test
    void alteredKemCiphertextOrKeyIsTampering() throws Exception {
        OnlineInitiator a = alice();
        Conversation.Attacker flipCiphertext = Conversation.Attacker.at(1, m -> {
            m[5 + 100] ^= 1;
            return m;
        });
        assertEquals(HandshakeException.Kind.TAMPERED, assertThrows(HandshakeException.class, () ->
                Conversation.run(a, bob(HandshakeMode.XX), a.start(), new byte[0], new byte[0], flipCiphertext))
                .kind());
        OnlineInitiator a2 = alice();
        Conversation.Attacker flipKey = Conversation.Attacker.at(0, m -> {
            m[5 + 1183] ^= 1; // last byte of the key: still a valid encoding, another key
            return m;
        });
        HandshakeException e = assertThrows(HandshakeException.class, () ->
                Conversation.run(a2, bob(HandshakeMode.XX), a2.start(), new byte[0], new byte[0], flipKey));
        assertTrue(e.kind() == HandshakeException.Kind.TAMPERED || e.kind() == HandshakeException.Kind.MALFORMED,
                e.toString());
    }

    @Test
    void hybridSessionsLeakNothingLinkable() throws Exception {
        List<byte[]> one = Conversation.run(alice(), bob(HandshakeMode.XX)).wire;
        List<byte[]> two = Conversation.run(alice(), bob(HandshakeMode.XX)).wire;
        for (byte[] m : one) {
            for (byte[] n : two) {
                for (int i = 0; i + 8 <= m.length; i += 8) {
                    byte[] piece = Arrays.copyOfRange(m, i, i + 8);
                    for (int j = 0; j + 8 <= n.length; j++) {
                        assertTrue(!Arrays.equals(piece, Arrays.copyOfRange(n, j, j + 8)), "recurring bytes");
                    }
                }
            }
        }
    }
}
