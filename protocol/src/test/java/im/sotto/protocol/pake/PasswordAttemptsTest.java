package im.sotto.protocol.pake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-contact password guess limit: 20 wrong guesses by someone who retries as soon as allowed. */
class PasswordAttemptsTest {
    private static final Instant START = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void twentyWrongGuessesMakeTheWaitGrowToTheCapAndRaiseAnAlertEveryFive() {
        PasswordAttempts attempts = PasswordAttempts.none();
        Instant now = START;
        List<Duration> waits = new ArrayList<>();
        List<Integer> alerts = new ArrayList<>();
        for (int guess = 1; guess <= 20; guess++) {
            if (attempts.refusedUntil(now).isPresent()) {
                Instant until = attempts.refusedUntil(now).get();
                assertTrue(attempts.refusedUntil(until.minusMillis(1)).isPresent(), "refused until the very end");
                now = until;
            }
            assertTrue(attempts.refusedUntil(now).isEmpty(), "guess " + guess + " may run once the wait is over");
            attempts = attempts.failed(now);
            Instant at = now;
            waits.add(attempts.refusedUntil(at).map(until -> Duration.between(at, until)).orElse(Duration.ZERO));
            if (attempts.alertDue()) {
                alerts.add(attempts.failures());
            }
        }
        for (int i = 0; i < PasswordAttempts.FREE_FAILURES; i++) {
            assertEquals(Duration.ZERO, waits.get(i), "failure " + (i + 1) + " is free");
        }
        assertEquals(PasswordAttempts.BACKOFF_BASE, waits.get(PasswordAttempts.FREE_FAILURES));
        for (int i = 1; i < waits.size(); i++) {
            assertTrue(waits.get(i).compareTo(waits.get(i - 1)) >= 0, "the wait never shrinks: " + waits);
        }
        assertEquals(PasswordAttempts.BACKOFF_BASE.multipliedBy(2), waits.get(PasswordAttempts.FREE_FAILURES + 1));
        assertEquals(PasswordAttempts.BACKOFF_CAP, waits.get(19));
        assertEquals(List.of(5, 10, 15, 20), alerts);
        assertTrue(Duration.between(START, now).compareTo(Duration.ofHours(8)) > 0,
                "20 guesses take hours, not the 2 minutes the rate limit allows: " + Duration.between(START, now));
    }

    @Test
    void aRightPasswordAfterTheWaitClearsTheCount() {
        PasswordAttempts attempts = PasswordAttempts.none();
        for (int i = 0; i < 20; i++) {
            attempts = attempts.failed(START);
        }
        assertTrue(attempts.refusedUntil(START.plusSeconds(1)).isPresent());
        Instant later = START.plus(PasswordAttempts.BACKOFF_CAP);
        assertFalse(attempts.refusedUntil(later).isPresent());
        PasswordAttempts cleared = attempts.succeeded();
        assertEquals(0, cleared.failures());
        assertTrue(cleared.failed(later).refusedUntil(later).isEmpty(), "a single typo after success is free again");
    }
}
