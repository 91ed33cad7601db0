package im.sotto.protocol.session;

import java.util.Objects;

/**
 * A handshake this side could not start, with its typed reason: the caller decides on {@link #failure()}, never on
 * the message, which is for a log or the user.
 */
public final class HandshakeFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final HandshakeFailure failure;

    public HandshakeFailedException(HandshakeFailure failure, String detail) {
        super(detail);
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    public HandshakeFailure failure() {
        return failure;
    }
}
