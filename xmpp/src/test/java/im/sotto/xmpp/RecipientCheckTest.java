package im.sotto.xmpp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import im.sotto.xmpp.RecipientCheck.Outcome;

import org.jivesoftware.smack.packet.StanzaError.Condition;
import org.junit.jupiter.api.Test;

/**
 * The answers Prosody 0.12 and ejabberd gave to the two probes (recorded against both servers while writing
 * {@link RecipientCheck}), and the decision for each: a missing account is named only where the bounce says so
 * unambiguously; an existing offline account is never called missing.
 */
class RecipientCheckTest {
    private static final Optional<String> PROSODY = Optional.of("Prosody");
    private static final Optional<String> EJABBERD = Optional.of("ejabberd");

    @Test
    void prosodyBouncesTheChatProbeOnlyForAMissingAccount() {
        assertEquals(Outcome.NO_SUCH_USER, RecipientCheck.decide(null, null, Condition.service_unavailable, PROSODY));
        assertEquals(Outcome.UNKNOWN, RecipientCheck.decide(null, null, null, PROSODY), "existing, offline or not");
    }

    @Test
    void ejabberdBouncesTheHeadlineOnlyForAMissingAccount() {
        assertEquals(Outcome.NO_SUCH_USER, RecipientCheck.decide(null, Condition.service_unavailable,
                Condition.service_unavailable, EJABBERD));
        // ejabberd keeps no empty chat message for an existing offline account: it bounces it too.
        assertEquals(Outcome.UNKNOWN, RecipientCheck.decide(null, null, Condition.service_unavailable, EJABBERD));
        assertEquals(Outcome.UNKNOWN, RecipientCheck.decide(null, null, Condition.service_unavailable,
                Optional.empty()), "an unnamed server's chat bounce is no proof");
    }

    @Test
    void aServerThatCannotBeFoundIsNamed() {
        assertEquals(Outcome.SERVER_NOT_FOUND, RecipientCheck.decide(Condition.remote_server_not_found,
                Condition.remote_server_not_found, Condition.remote_server_not_found, Optional.empty()));
        assertEquals(Outcome.SERVER_NOT_FOUND, RecipientCheck.decide(null, null, Condition.remote_server_timeout,
                Optional.empty()));
        // A server without server-to-server links refuses (not-allowed): that says nothing about the recipient.
        assertEquals(Outcome.UNKNOWN, RecipientCheck.decide(Condition.not_allowed, Condition.not_allowed,
                Condition.not_allowed, Optional.empty()));
    }
}
