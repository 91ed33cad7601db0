package im.sotto.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
