package im.sotto.protocol.offline;

import java.time.Duration;

/** Lifetimes and counts of prekeys, each with its reason. The PFS window of an offline message follows from them. */
public final class PreKeyPolicy {
    /** A new signed prekey every week: the forward-secrecy window of offline messages is measured in these. */
    public static final Duration DEFAULT_ROTATION = Duration.ofDays(7);
    /**
     * A replaced signed prekey stays for this long so that first messages sent to it while the recipient was
     * offline can still be read; after it the key is deleted and such messages become unreadable, to everyone.
     */
    public static final Duration DEFAULT_GRACE = Duration.ofDays(7);
    /** One-time prekeys published; each gives one sender full forward secrecy from the first message. */
    public static final int ONE_TIME_TARGET = 100;
    /** Refill when fewer remain, so a burst of first contacts while offline rarely exhausts them. */
    public static final int ONE_TIME_REFILL_BELOW = 25;
    /** A bundle with more one-time prekeys than this is not a bundle anyone should parse. */
    public static final int MAX_ONE_TIME_IN_BUNDLE = 200;

    private final Duration rotation;
    private final Duration grace;

    public PreKeyPolicy(Duration rotation, Duration grace) {
        if (rotation.isNegative() || rotation.isZero() || grace.isNegative()) {
            throw new IllegalArgumentException("rotation must be positive and grace non-negative");
        }
        this.rotation = rotation;
        this.grace = grace;
    }

    public static PreKeyPolicy defaults() {
        return new PreKeyPolicy(DEFAULT_ROTATION, DEFAULT_GRACE);
    }

    public Duration rotation() {
        return rotation;
    }

    public Duration grace() {
        return grace;
    }

    /**
     * How long after a signed prekey is created a stolen device can still read a first message sent to it: the key
     * is current for one rotation and kept for one grace period after that.
     */
    public Duration forwardSecrecyWindow() {
        return rotation.plus(grace);
    }
}
