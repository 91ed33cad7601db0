package im.sotto.protocol.pake;

import im.sotto.protocol.crypto.CryptoException;

/**
 * A password-authenticated key exchange aborted on the peer's message. Either kind ends the exchange: run a new
 * one. Neither says whether the passwords differed: with CPace a wrong password is not detected here at all, it
 * yields a different key, which the later key confirmation rejects.
 */
public final class PakeException extends CryptoException {
    private static final long serialVersionUID = 1L;

    /** What was wrong with the peer's message. */
    public enum Kind {
        /** The peer's share is a low-order point (on the curve or its twist): the shared point was the identity. */
        INVALID_POINT,
        /** The message does not parse: bad length prefix, share of the wrong size, oversized or trailing data. */
        MALFORMED
    }

    private final Kind kind;

    public PakeException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
