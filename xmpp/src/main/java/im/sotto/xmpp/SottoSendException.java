package im.sotto.xmpp;

import java.util.Objects;

/**
 * A send future failed: the stanza was not sent, and never in plaintext. When {@link #held()} the stanza stays queued
 * and goes out after the user's decision (reported by events only: this future is already complete).
 */
public final class SottoSendException extends Exception {
    private static final long serialVersionUID = 1L;

    private final SecurityEvent.SendFailure reason;

    public SottoSendException(SecurityEvent.SendFailure reason, String message) {
        super(reason + ": " + message);
        this.reason = Objects.requireNonNull(reason);
    }

    public SecurityEvent.SendFailure reason() {
        return reason;
    }

    /** Whether the stanza stays queued, waiting for a user decision ({@link SecurityEvent.SendFailure#held()}). */
    public boolean held() {
        return reason.held();
    }
}
