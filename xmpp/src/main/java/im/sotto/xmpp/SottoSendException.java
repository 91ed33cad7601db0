package im.sotto.xmpp;

import java.util.Objects;

/** A send future failed: the stanza was not sent, and never in plaintext. */
public final class SottoSendException extends Exception {
    private static final long serialVersionUID = 1L;

    private final SecurityEvent.SendFailure reason;
    private final boolean stillQueued;

    public SottoSendException(SecurityEvent.SendFailure reason, String message) {
        this(reason, message, false);
    }

    /** {@code stillQueued}: the manager keeps the stanza queued and sends it once a session can be made. */
    public SottoSendException(SecurityEvent.SendFailure reason, String message, boolean stillQueued) {
        super(reason + ": " + message);
        this.reason = Objects.requireNonNull(reason);
        this.stillQueued = stillQueued;
    }

    public SecurityEvent.SendFailure reason() {
        return reason;
    }

    /** True if the stanza stays in the manager's queue (do not queue it again elsewhere: it would go out twice). */
    public boolean stillQueued() {
        return stillQueued;
    }
}
