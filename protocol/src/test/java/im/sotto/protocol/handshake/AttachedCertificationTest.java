package im.sotto.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.testing.TestDevices;
import im.sotto.protocol.wire.MalformedInputException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The account certification extension (0x03): its encoding, its bounds, and its ride in every handshake mode. */
class AttachedCertificationTest {
    private final SecureRandom random = new SecureRandom();
    private final DeviceIdentity alice = TestDevices.device(AccountIdentity.generate(random), random);
    private final DeviceIdentity bob = TestDevices.device(AccountIdentity.generate(random), random);

    private static byte[] bytes(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void bothKindsRoundTrip() throws Exception {
        AttachedCertification x509 = AttachedCertification.x509(bytes(700, 0x30));
        byte[] encoded = x509.encode();
        assertEquals(1, encoded[0], "kind 1: X.509");
        AttachedCertification back = AttachedCertification.parse(encoded);
        assertEquals(x509, back);
        assertArrayEquals(bytes(700, 0x30), back.x509Chain());

        AttachedCertification pgp = AttachedCertification.openPgp(bytes(80, 's'), bytes(119, 0x88));
        byte[] pgpEncoded = pgp.encode();
        assertArrayEquals(new byte[] {2, 0, 80}, Arrays.copyOf(pgpEncoded, 3), "kind 2, then vec16 statement");
        AttachedCertification pgpBack = AttachedCertification.parse(pgpEncoded);
        assertArrayEquals(bytes(80, 's'), pgpBack.openPgpStatement());
        assertArrayEquals(bytes(119, 0x88), pgpBack.openPgpSignature());
        assertThrows(IllegalStateException.class, pgpBack::x509Chain, "an OpenPGP binding has no chain");
    }

    @Test
    void tooLargeIsRefusedWhenAttachedAndWhenReceived() {
        AttachedCertification.x509(bytes(AttachedCertification.MAX_LENGTH - 1, 0x30));
        assertThrows(IllegalArgumentException.class,
                () -> AttachedCertification.x509(bytes(AttachedCertification.MAX_LENGTH, 0x30)));
        byte[] oversized = bytes(AttachedCertification.MAX_LENGTH + 1, 0x30);
        oversized[0] = 1;
        assertThrows(MalformedInputException.class, () -> AttachedCertification.parse(oversized));
    }

    @Test
    void malformedValuesAreTypedErrors() {
        for (byte[] bad : new byte[][] {
                {},                      // no kind
                {1},                     // X.509 without a chain
                {3, 0x30, 0x00},         // unknown kind
                {0, 0x30, 0x00},         // kind 0 is not assigned
                {2, 0, 5, 's', 's'},     // OpenPGP statement cut short
                {2, 0, 2, 's', 's'},     // OpenPGP without a signature
                {2, 0, 0, (byte) 0x88},  // OpenPGP with an empty statement
        }) {
            assertThrows(MalformedInputException.class, () -> AttachedCertification.parse(bad), Arrays.toString(bad));
        }
    }

    @ParameterizedTest
    @EnumSource(HandshakeMode.class)
    void itTravelsInsideTheHandshakeBothWaysInEveryMode(HandshakeMode mode) throws Exception {
        AttachedCertification aliceCert = AttachedCertification.x509(bytes(900, 0x30));
        AttachedCertification bobCert = AttachedCertification.openPgp(bytes(88, 'b'), bytes(119, 0x88));
        Conversation c = run(mode, aliceCert, bobCert);
        assertEquals(Optional.of(aliceCert), c.responderResult.peerCertification());
        assertEquals(Optional.of(bobCert), c.initiatorResult.peerCertification());
        for (byte[] message : c.wire) {
            assertTrue(indexOf(message, bytes(64, 0x30)) < 0 && indexOf(message, bytes(64, 0x88)) < 0,
                    "a certification travels encrypted only");
        }
    }

    @ParameterizedTest
    @EnumSource(HandshakeMode.class)
    void withoutOneThereIsNone(HandshakeMode mode) throws Exception {
        Conversation c = run(mode, null, null);
        assertEquals(Optional.empty(), c.responderResult.peerCertification());
        assertEquals(Optional.empty(), c.initiatorResult.peerCertification());
    }

    private Conversation run(HandshakeMode mode, AttachedCertification a, AttachedCertification b) throws Exception {
        OnlineInitiator i = OnlineInitiator.create(HandshakeConfig.builder(alice).certification(a).build(), random,
                TestDevices.CLOCK);
        OnlineResponder r = OnlineResponder.create(HandshakeConfig.builder(bob).certification(b)
                .preferredResponderMode(mode == HandshakeMode.KNOWN_PEER ? HandshakeMode.XX : mode).build(), random,
                TestDevices.CLOCK);
        byte[] first = mode == HandshakeMode.KNOWN_PEER ? i.startKnownPeer(bob.certificate()) : i.start();
        Conversation c = Conversation.run(i, r, first, new byte[0], new byte[0], Conversation.Attacker.NONE);
        assertEquals(mode, c.initiatorResult.selection().mode());
        return c;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
