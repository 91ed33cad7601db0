package im.sotto.protocol.session;

import im.sotto.protocol.handshake.HandshakeException;

/**
 * Why a handshake message led nowhere: the session layer's own refusals first, then one constant per
 * {@link HandshakeException.Kind} (same name), so that the binding decides on an enum, never on a message's text.
 */
public enum HandshakeFailure {
    /** The same handshake message was received before (a replay); answering it would cost a key agreement. */
    DUPLICATE,
    /** The peer account opened more handshakes than its rate allows; dropped before any key agreement. */
    RATE_LIMITED,
    /** A message for no handshake in flight (one that ended, or was never started here). */
    STALE,
    /** A password handshake refused during the wait that earlier failed guesses earned. */
    PASSWORD_BACKOFF,
    TAMPERED,
    DOWNGRADE,
    INCOMPATIBLE,
    COMMITMENT_MISMATCH,
    CERTIFICATE_INVALID,
    IDENTITY_MISMATCH,
    UNEXPECTED_PEER,
    /** The responder's reveal policy ended the handshake before it revealed itself. */
    REJECTED_BY_POLICY,
    PASSWORD_MISMATCH,
    PASSWORD_REQUIRED,
    MALFORMED,
    UNSUPPORTED_VERSION,
    UNEXPECTED_MESSAGE;

    /** The failure a handshake's own exception reports (the switch fails to compile when a kind is added). */
    public static HandshakeFailure of(HandshakeException.Kind kind) {
        return switch (kind) {
            case TAMPERED -> TAMPERED;
            case DOWNGRADE -> DOWNGRADE;
            case INCOMPATIBLE -> INCOMPATIBLE;
            case COMMITMENT_MISMATCH -> COMMITMENT_MISMATCH;
            case CERTIFICATE_INVALID -> CERTIFICATE_INVALID;
            case IDENTITY_MISMATCH -> IDENTITY_MISMATCH;
            case UNEXPECTED_PEER -> UNEXPECTED_PEER;
            case REJECTED_BY_POLICY -> REJECTED_BY_POLICY;
            case PASSWORD_MISMATCH -> PASSWORD_MISMATCH;
            case PASSWORD_REQUIRED -> PASSWORD_REQUIRED;
            case MALFORMED -> MALFORMED;
            case UNSUPPORTED_VERSION -> UNSUPPORTED_VERSION;
            case UNEXPECTED_MESSAGE -> UNEXPECTED_MESSAGE;
        };
    }

    /** True for a failure about the password agreed with the contact (a wrong one, a missing one, or the wait). */
    public boolean aboutPassword() {
        return this == PASSWORD_MISMATCH || this == PASSWORD_REQUIRED || this == PASSWORD_BACKOFF;
    }
}
