package im.sotto.protocol.pake;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The online-guess limit for the password agreed with one contact (docs/protocol.md 4.12): failures in a row, and
 * when the next password handshake may run. CPace leaves an attacker one guess per handshake and nothing to test
 * offline, but the generic handshake rate limit alone still lets about 14,400 handshakes a day through; after a few
 * failures each further one doubles the wait, up to a cap. Immutable and pure: the caller keeps one per contact and
 * passes the time.
 *
 * <p>A failure is counted when a guess was spent, which the side that answers a password handshake cannot know yet
 * (the initiator checks the confirmation and then either finishes or goes silent): the responder counts every
 * password handshake it answers as a failure until it completes, which clears the count.
 */
public final class PasswordAttempts {
    /**
     * Failures in a row that cost no wait: a mistyped password or two, and a handshake lost on the way after it was
     * answered (counted as a failure, see above).
     */
    public static final int FREE_FAILURES = 3;
    /** The first wait, after the first failure beyond the free ones: nothing a person retrying by hand notices. */
    public static final Duration BACKOFF_BASE = Duration.ofMinutes(1);
    /**
     * The wait doubles up to this: at most about 24 guesses a day instead of 14,400 (a 6-digit PIN then lasts
     * decades, not weeks), while the real contact waits at most an hour once an attack stops.
     */
    public static final Duration BACKOFF_CAP = Duration.ofHours(1);
    /** The user is told after this many failures in a row, and again after every further this many: no typo. */
    public static final int ALERT_EVERY = 5;
    /** Doubling more often than this would overflow long before the cap matters; the cap is reached after 6. */
    private static final int MAX_DOUBLINGS = 30;

    private static final PasswordAttempts NONE = new PasswordAttempts(0, null);

    private final int failures;
    private final Instant waitUntil;

    private PasswordAttempts(int failures, Instant waitUntil) {
        this.failures = failures;
        this.waitUntil = waitUntil;
    }

    /** A contact with no failure on record. */
    public static PasswordAttempts none() {
        return NONE;
    }

    /** When a password handshake at {@code now} must be refused (without running CPace): until the returned time. */
    public Optional<Instant> refusedUntil(Instant now) {
        Objects.requireNonNull(now, "now");
        return waitUntil != null && now.isBefore(waitUntil) ? Optional.of(waitUntil) : Optional.empty();
    }

    /** One more guess spent at {@code now}; the wait it earns starts then. */
    public PasswordAttempts failed(Instant now) {
        int count = failures == Integer.MAX_VALUE ? failures : failures + 1;
        Duration wait = backoff(count);
        return new PasswordAttempts(count, wait.isZero() ? null : now.plus(wait));
    }

    /** A handshake proved the password: the count starts again. */
    public PasswordAttempts succeeded() {
        return NONE;
    }

    /** Failures in a row so far. */
    public int failures() {
        return failures;
    }

    /** True right after the failure that should be reported to the user (the 5th, 10th, ... in a row). */
    public boolean alertDue() {
        return failures >= ALERT_EVERY && failures % ALERT_EVERY == 0;
    }

    /** The wait after {@code failures} failures in a row: none up to the free ones, then doubling to the cap. */
    public static Duration backoff(int failures) {
        if (failures <= FREE_FAILURES) {
            return Duration.ZERO;
        }
        int doublings = Math.min(failures - FREE_FAILURES - 1, MAX_DOUBLINGS);
        Duration wait = BACKOFF_BASE.multipliedBy(1L << doublings);
        return wait.compareTo(BACKOFF_CAP) > 0 ? BACKOFF_CAP : wait;
    }

    @Override
    public String toString() {
        return "PasswordAttempts[" + failures + " failures, wait until " + waitUntil + "]";
    }
}
