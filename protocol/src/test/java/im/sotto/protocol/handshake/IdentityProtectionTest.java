package im.sotto.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.testing.TestDevices;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A passive server records every byte of two handshakes between the same two devices. It must find no account
 * key, device key or certificate, and no 8-byte string that recurs across the two sessions (anything that could
 * link them).
 */
class IdentityProtectionTest {
    private static final int WINDOW = 8;
    private final SecureRandom random = new SecureRandom();
    private final DeviceIdentity alice = TestDevices.newDevice(random);
    private final DeviceIdentity bob = TestDevices.newDevice(random);

    @ParameterizedTest
    @EnumSource(value = HandshakeMode.class)
    void passiveObserverSeesNoIdentityAndNothingLinkable(HandshakeMode mode) throws Exception {
        List<byte[]> first = session(mode);
        List<byte[]> second = session(mode);

        List<byte[]> secrets = new ArrayList<>();
        for (DeviceIdentity d : List.of(alice, bob)) {
            secrets.add(d.certificate().accountKey().bytes());
            secrets.add(d.deviceKey().publicKey());
            secrets.add(d.certificate().encoded());
        }
        for (byte[] message : concat(first, second)) {
            for (byte[] s : secrets) {
                // any 8-byte piece of a key or certificate counts as the whole
                for (int i = 0; i + WINDOW <= s.length; i++) {
                    assertFalse(contains(message, java.util.Arrays.copyOfRange(s, i, i + WINDOW)),
                            mode + ": identity material on the wire");
                }
            }
        }
        Set<ByteBuffer> seen = windows(first);
        int recurring = 0;
        for (ByteBuffer w : windows(second)) {
            if (seen.contains(w)) {
                recurring++;
            }
        }
        assertEquals(0, recurring, mode + ": 8-byte strings recurring across two sessions");
    }

    private List<byte[]> session(HandshakeMode mode) throws Exception {
        HandshakeConfig aliceConfig = HandshakeConfig.builder(alice).build();
        HandshakeConfig bobConfig = HandshakeConfig.builder(bob)
                .preferredResponderMode(mode == HandshakeMode.KNOWN_PEER ? HandshakeMode.XX : mode).build();
        OnlineInitiator a = OnlineInitiator.create(aliceConfig, random, TestDevices.CLOCK);
        OnlineResponder b = OnlineResponder.create(bobConfig, random, TestDevices.CLOCK);
        byte[] first = mode == HandshakeMode.KNOWN_PEER ? a.startKnownPeer(bob.certificate()) : a.start();
        Conversation c = Conversation.run(a, b, first, "hi".getBytes(), new byte[0], Conversation.Attacker.NONE);
        assertEquals(mode, c.initiatorResult.selection().mode());
        return c.wire;
    }

    private static Set<ByteBuffer> windows(List<byte[]> messages) {
        Set<ByteBuffer> out = new HashSet<>();
        for (byte[] m : messages) {
            for (int i = 0; i + WINDOW <= m.length; i++) {
                out.add(ByteBuffer.wrap(java.util.Arrays.copyOfRange(m, i, i + WINDOW)));
            }
        }
        return out;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static List<byte[]> concat(List<byte[]> a, List<byte[]> b) {
        List<byte[]> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
