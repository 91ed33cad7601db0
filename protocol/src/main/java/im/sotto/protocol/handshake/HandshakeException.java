package im.sotto.protocol.handshake;

/** A handshake failed. The kind tells the application what happened; the handshake object is failed for good. */
public final class HandshakeException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** A message failed authentication: it was altered in transit, or the two sides saw different offers. */
        TAMPERED,
        /** The peer chose a version, suite or mode that was never offered, or below the minimum: a downgrade. */
        DOWNGRADE,
        /** The two devices share no version, suite or mode. */
        INCOMPATIBLE,
        /** The initiator's revealed SAS nonce does not open its commitment. */
        COMMITMENT_MISMATCH,
        /** The peer's device certificate is malformed, badly signed, expired or not yet valid. */
        CERTIFICATE_INVALID,
        /** The certificate names a device key other than the one that took part in the handshake. */
        IDENTITY_MISMATCH,
        /** The peer is validly certified but not the one expected (another account than the pinned one). */
        UNEXPECTED_PEER,
        /** The responder's policy refused to reveal itself to this initiator. */
        REJECTED_BY_POLICY,
        /** The peer does not know the password agreed for this contact (one online guess, nothing learned). */
        PASSWORD_MISMATCH,
        /** One side requires a password for this contact and the other did not use one. */
        PASSWORD_REQUIRED,
        /** The message could not be parsed. */
        MALFORMED,
        /** The frame names a wire version this implementation does not speak. */
        UNSUPPORTED_VERSION,
        /** The message does not fit the handshake's current state (out of order, duplicate, after failure). */
        UNEXPECTED_MESSAGE
    }

    private final Kind kind;

    public HandshakeException(Kind kind, String message) {
        super(kind + ": " + message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
