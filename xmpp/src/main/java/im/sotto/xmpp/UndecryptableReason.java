package im.sotto.xmpp;

/** Why an incoming encrypted stanza was not delivered. */
public enum UndecryptableReason {
    /** We hold no session with the sending account (a new session is started, rate-limited). */
    NO_SESSION,
    /** Already delivered once (offline storage and a resend, a replay): dropped before any state change. */
    DUPLICATE,
    /** We hold sessions with the sender but none opens it: the session is broken and heals by a new handshake. */
    BROKEN_SESSION,
    /** It opened under a session whose account key differs from the one pinned for the sender. */
    UNTRUSTED_SENDER,
    /** It carried only ciphertexts for the sender's other sessions, addressed to other devices of ours. */
    NOT_FOR_THIS_DEVICE,
    /** It failed authentication or its envelope disagrees with the outer stanza: altered or redirected. */
    TAMPERED,
    /** The Sotto element itself is not well formed; the stanza was dropped, the connection kept. */
    MALFORMED,
    /**
     * A handshake's first message beyond the sender's rate ({@code HandshakeRateLimit}): dropped unanswered, no
     * key agreement spent. A flood from one account; its legitimate handshakes get through again within seconds.
     */
    RATE_LIMITED,
    /**
     * A handshake step (not an opening) for a handshake this device does not have in flight: it timed out, was
     * replaced, or this process restarted since (its handshake state is never stored); or a replay of such a
     * step. Dropped, no state change. Not reported as tampering: a crash or a slow network produces it.
     */
    STALE_HANDSHAKE,
    /**
     * A stanza this account sent to itself that this device cannot use: this very connection's own stanza
     * delivered back to it (a note to self), or a handshake step of our own account that failed (one this device
     * ran with itself, delivered again from offline storage). Dropped, no state change; never reported as
     * tampering, which is kept for what another party altered.
     */
    OWN_ACCOUNT
}
