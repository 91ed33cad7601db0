package im.sotto.protocol.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import im.sotto.protocol.handshake.HandshakeException;

import org.junit.jupiter.api.Test;

class HandshakeFailureTest {
    /** Each kind keeps its name, which the reports the binding writes have always started with. */
    @Test
    void everyHandshakeExceptionKindHasTheFailureOfTheSameName() {
        for (HandshakeException.Kind kind : HandshakeException.Kind.values()) {
            assertEquals(kind.name(), HandshakeFailure.of(kind).name());
        }
    }

    /** The old text sorting treated every failure starting with {@code PASSWORD_} as a password failure. */
    @Test
    void thePasswordFailuresAreExactlyThoseTheOldPrefixMatched() {
        Set<HandshakeFailure> byPrefix = Arrays.stream(HandshakeFailure.values())
                .filter(f -> f.name().startsWith("PASSWORD_")).collect(Collectors.toSet());
        Set<HandshakeFailure> flagged = Arrays.stream(HandshakeFailure.values())
                .filter(HandshakeFailure::aboutPassword).collect(Collectors.toSet());
        assertEquals(byPrefix, flagged);
        assertEquals(3, flagged.size());
        assertFalse(HandshakeFailure.DUPLICATE.aboutPassword());
        assertTrue(HandshakeFailure.PASSWORD_BACKOFF.aboutPassword());
    }
}
