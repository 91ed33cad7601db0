package im.sotto.protocol.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import im.sotto.protocol.handshake.HandshakeConfig;
import im.sotto.protocol.handshake.HandshakeException;
import im.sotto.protocol.handshake.HandshakeMode;
import im.sotto.protocol.handshake.HandshakeResult;
import im.sotto.protocol.handshake.HandshakeStep;
import im.sotto.protocol.handshake.OnlineInitiator;
import im.sotto.protocol.handshake.OnlineResponder;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.testing.TestDevices;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The reveal policy, run as real handshakes (moved with the policy from the binding, where only RevealPolicyIT ran
 * it): a contact always gets XX, a stranger's opening reveals the responder only as far as the policy allows.
 */
class RevealPolicyTest {
    private final SecureRandom random = new SecureRandom();
    private final DeviceIdentity stranger = TestDevices.newDevice(random);
    private final DeviceIdentity responder = TestDevices.newDevice(random);

    /** What the initiator learned: its result if the handshake completed, and the number of messages sent. */
    private record Run(Optional<HandshakeResult> initiatorResult, int messages) {
    }

    /** The stranger opens a full handshake with the responder, whose policy treats it as {@code contact} or not. */
    private Run open(RevealPolicy policy, boolean contact) throws HandshakeException {
        OnlineInitiator a = OnlineInitiator.create(HandshakeConfig.builder(stranger).build(), random,
                TestDevices.CLOCK);
        OnlineResponder b = OnlineResponder.create(policy.configure(HandshakeConfig.builder(responder), contact)
                .build(), random, TestDevices.CLOCK);
        List<byte[]> wire = new ArrayList<>();
        Optional<byte[]> next = Optional.of(a.start());
        Optional<HandshakeResult> learned = Optional.empty();
        boolean toResponder = true;
        while (next.isPresent()) {
            wire.add(next.get());
            HandshakeStep step = toResponder ? b.receive(next.get()) : a.receive(next.get());
            if (!toResponder && step.result().isPresent()) {
                learned = step.result();
            }
            next = step.message();
            toResponder = !toResponder;
        }
        return new Run(learned, wire.size());
    }

    @ParameterizedTest
    @EnumSource(RevealPolicy.class)
    void aContactAlwaysGetsXxAndLearnsTheResponder(RevealPolicy policy) throws Exception {
        Run run = open(policy, true);
        assertEquals(3, run.messages());
        assertEquals(HandshakeMode.XX, run.initiatorResult().orElseThrow().selection().mode());
        assertEquals(responder.certificate(), run.initiatorResult().orElseThrow().peerCertificate());
    }

    @Test
    void anyoneGivesAStrangerXxLikeAContact() throws Exception {
        Run run = open(RevealPolicy.ANYONE, false);
        assertEquals(HandshakeMode.XX, run.initiatorResult().orElseThrow().selection().mode());
        assertEquals(responder.certificate(), run.initiatorResult().orElseThrow().peerCertificate());
    }

    @Test
    void authenticatedRevealsTheResponderToAStrangerOnlyAfterItShowedItself() throws Exception {
        Run run = open(RevealPolicy.AUTHENTICATED, false);
        assertEquals(4, run.messages(), "the responder's identity comes in message 4, after the initiator's");
        assertEquals(HandshakeMode.RESPONDER_PROTECTED, run.initiatorResult().orElseThrow().selection().mode());
        assertEquals(responder.certificate(), run.initiatorResult().orElseThrow().peerCertificate());
    }

    @Test
    void contactsRefusesAStrangerBeforeRevealingAnything() {
        HandshakeException refused = assertThrows(HandshakeException.class, () -> open(RevealPolicy.CONTACTS, false),
                "the stranger's message 3 is answered with a refusal, never with message 4");
        assertEquals(HandshakeException.Kind.REJECTED_BY_POLICY, refused.kind());
    }
}
