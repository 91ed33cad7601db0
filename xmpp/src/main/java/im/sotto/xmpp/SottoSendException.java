package im.sotto.xmpp;

import java.util.Objects;

/**
 * A send future failed: the stanza was not sent, and never in plaintext. When {@link #held()} the stanza stays queued
 * and goes out after the user's decision (reported by events only: this future is already complete).
 */
public final class SottoSendException extends Exception {
    private static final long serialVersionUID = 1L;

    private final SendFailure reason;
    private final boolean stillQueued;

    public SottoSendException(SendFailure reason, String message) {
        this(reason, message, false);
    }

    /** {@code stillQueued}: the manager keeps the stanza queued and sends it once a session can be made. */
    public SottoSendException(SendFailure reason, String message, boolean stillQueued) {
        super(reason + ": " + message);
        this.reason = Objects.requireNonNull(reason);
        this.stillQueued = stillQueued;
    }

    public SendFailure reason() {
        return reason;
    }

    /** Whether the stanza waits for a user decision ({@link SendFailure#held()}); it stays queued. */
    public boolean held() {
        return reason.held();
    }

    /** True if the stanza stays in the manager's queue (do not queue it again elsewhere: it would go out twice). */
    public boolean stillQueued() {
        return stillQueued || reason.held();
    }
}
