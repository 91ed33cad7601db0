package im.sotto.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.ratchet.DecryptResult;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.testing.TestDevices;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every handshake mode and suite seeds a working Double Ratchet in both directions. */
class HandshakeToRatchetTest {
    private final SecureRandom random = new SecureRandom();
    private final DeviceIdentity alice = TestDevices.newDevice(random);
    private final DeviceIdentity bob = TestDevices.newDevice(random);

    @Test
    void everyModeAndSuiteSeedsAWorkingRatchet() throws Exception {
        for (HandshakeMode mode : HandshakeMode.values()) {
            for (CipherSuite suite : List.of(CipherSuite.X25519_AESGCM_SHA256, CipherSuite.X25519_CHACHAPOLY_SHA256)) {
                OnlineInitiator a = OnlineInitiator.create(HandshakeConfig.builder(alice).suites(List.of(suite))
                        .build(), random, TestDevices.CLOCK);
                OnlineResponder b = OnlineResponder.create(HandshakeConfig.builder(bob)
                        .preferredResponderMode(mode == HandshakeMode.KNOWN_PEER ? HandshakeMode.XX : mode).build(),
                        random, TestDevices.CLOCK);
                byte[] first = mode == HandshakeMode.KNOWN_PEER ? a.startKnownPeer(bob.certificate()) : a.start();
                Conversation c = Conversation.run(a, b, first, new byte[0], new byte[0],
                        Conversation.Attacker.NONE);
                RatchetSession ra = RatchetSession.start(c.initiatorResult.seed().toRatchetInit(), random,
                        TestDevices.CLOCK);
                RatchetSession rb = RatchetSession.start(c.responderResult.seed().toRatchetInit(), random,
                        TestDevices.CLOCK);
                c.initiatorResult.seed().wipe();
                c.responderResult.seed().wipe();
                byte[] ad = c.initiatorResult.channelBinding();
                assertEquals(suite, ra.suite());
                roundTrip(ra, rb, "alice to bob " + mode, ad);
                roundTrip(rb, ra, "bob to alice " + mode, ad);
                roundTrip(ra, rb, "alice again " + mode, ad);
            }
        }
    }

    private static void roundTrip(RatchetSession from, RatchetSession to, String text, byte[] ad) {
        byte[] plaintext = text.getBytes(StandardCharsets.UTF_8);
        DecryptResult r = to.decrypt(from.encrypt(plaintext, ad), ad);
        assertArrayEquals(plaintext, assertInstanceOf(DecryptResult.Decrypted.class, r).plaintext(), text);
    }
}
