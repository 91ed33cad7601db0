package im.sotto.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.testing.TestDevices;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Runs a handshake between two parties over a wire the test controls, recording every message. */
final class Conversation {
    final List<byte[]> wire = new ArrayList<>();
    HandshakeResult initiatorResult;
    HandshakeResult responderResult;

    /** Runs XX/RP/IK to completion. {@code attacker} may rewrite each message (index, bytes). */
    static Conversation run(OnlineInitiator initiator, OnlineResponder responder, byte[] firstMessage,
            byte[] initiatorData, byte[] responderData, Attacker attacker) throws HandshakeException {
        Conversation c = new Conversation();
        byte[] next = firstMessage;
        boolean toResponder = true;
        while (next != null) {
            next = attacker.edit(c.wire.size(), next.clone());
            c.wire.add(next.clone());
            HandshakeStep step = toResponder ? responder.receive(next, responderData)
                    : initiator.receive(next, initiatorData);
            if (step.result().isPresent()) {
                if (toResponder) {
                    c.responderResult = step.result().get();
                } else {
                    c.initiatorResult = step.result().get();
                }
            }
            next = step.message().orElse(null);
            toResponder = !toResponder;
        }
        assertTrue(c.initiatorResult != null && c.responderResult != null, "handshake did not complete");
        return c;
    }

    /**
     * A handshake in {@code mode} between {@code a} and {@code b}, each consulting its retained secrets (nothing is
     * stored: the caller decides who keeps what); asserts the mode was the one selected.
     */
    static Conversation withRetainedSecrets(DeviceIdentity a, RetainedSecretLookup am, DeviceIdentity b,
            RetainedSecretLookup bm, HandshakeMode mode, SecureRandom random) throws HandshakeException {
        OnlineInitiator i = OnlineInitiator.create(HandshakeConfig.builder(a).retainedSecrets(am).build(), random,
                TestDevices.CLOCK);
        OnlineResponder r = OnlineResponder.create(HandshakeConfig.builder(b).retainedSecrets(bm)
                .preferredResponderMode(mode == HandshakeMode.KNOWN_PEER ? HandshakeMode.XX : mode).build(), random,
                TestDevices.CLOCK);
        byte[] first = mode == HandshakeMode.KNOWN_PEER ? i.startKnownPeer(b.certificate()) : i.start();
        Conversation c = run(i, r, first, new byte[0], new byte[0], Attacker.NONE);
        assertEquals(mode, c.initiatorResult.selection().mode());
        return c;
    }

    static Conversation run(OnlineInitiator initiator, OnlineResponder responder) throws HandshakeException {
        return run(initiator, responder, initiator.start(), new byte[0], new byte[0], Attacker.NONE);
    }

    /** Rewrites a message in flight; index counts messages on the wire from 0. */
    interface Attacker {
        Attacker NONE = (i, m) -> m;

        byte[] edit(int index, byte[] message);

        static Attacker at(int target, UnaryOperator<byte[]> edit) {
            return (i, m) -> i == target ? edit.apply(m.clone()) : m;
        }
    }
}
