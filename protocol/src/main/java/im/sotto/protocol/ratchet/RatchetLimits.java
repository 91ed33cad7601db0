package im.sotto.protocol.ratchet;

import java.time.Duration;

/**
 * Every bound the ratchet enforces, with the reason for its value. A message that would exceed a bound is rejected
 * with a typed reason before any key is derived or stored for it.
 */
public final class RatchetLimits {
    private RatchetLimits() {}

    /**
     * Message keys one receiving chain may hold for messages that have not arrived yet (the specification's
     * MAX_SKIP). 1000 covers any realistic burst of loss or reordering of chat stanzas (offline storage replays in
     * order; a thousand lost stanzas in one direction means the session should be rebuilt anyway) while bounding the
     * work a single forged-but-authentic header can cause to 1000 HMACs.
     */
    public static final int MAX_SKIP_PER_CHAIN = 1000;

    /**
     * Message keys the whole session may hold. Two full chains' worth, so that a peer's chain change in the middle of
     * a gap still fits. The bound keeps a session record below about 200 KB (each held key costs about 80 bytes with
     * its counter and timestamp) and bounds header-key trials: every chain that still holds a key keeps its header
     * key, and each remembered header key costs one AEAD trial for an incoming message that matches none.
     */
    public static final int MAX_SKIPPED_TOTAL = 2000;

    /**
     * How long a held message key is kept. A held key is a key an attacker who steals the device can use, so it must
     * not live forever; 30 days covers server offline storage and archive catch-up after a long absence. An expired
     * key is deleted and a message that needed it is reported {@code EXPIRED}.
     */
    public static final Duration SKIPPED_KEY_LIFETIME = Duration.ofDays(30);

    /**
     * Receiving chains whose header keys are remembered after the peer moved on, for duplicate detection (a replay of
     * a message whose key is already used must decrypt its header to be recognised as a duplicate). Five direction
     * changes cover replays of recent traffic, which is what a server re-delivers; older replays are still rejected
     * without any state change, but as {@code UNKNOWN_HEADER_KEY}. Chains that still hold message keys are kept
     * regardless (bounded by {@link #MAX_SKIPPED_TOTAL}). Each remembered header key costs one AEAD trial (about a
     * microsecond) per incoming message that matches none.
     */
    public static final int MAX_PREVIOUS_RECEIVING_CHAINS = 5;

    /**
     * Messages in one sending chain between forced DH steps (heartbeats). A sender whose peer does not reply mixes a
     * fresh X25519 key with the peer's ratchet key every 50 messages, so an attacker who stole the sender's chain key
     * reads at most the rest of the current 50 (OMEMO sends its heartbeat after 53). Cost: one key generation and two
     * X25519 operations (one on each side) per 50 messages.
     */
    public static final int HEARTBEAT_INTERVAL = 50;

    /**
     * Largest plaintext accepted. Above any XMPP server's default stanza limit after base64 (Prosody 256 KiB), so a
     * legitimate stanza never meets it; it bounds the allocation an incoming message can cause.
     */
    public static final int MAX_PLAINTEXT_LENGTH = 256 * 1024;

    /**
     * Send times kept for messages the peer has not acknowledged yet. When a peer never answers the log is thinned
     * (every second entry dropped) instead of growing, so reports stay correct but become coarser; 1024 entries are
     * about 16 KB of record.
     */
    public static final int MAX_UNACKNOWLEDGED_TRACKED = 1024;

    /** Counters are unsigned 31-bit values on the wire; a session that reaches this many messages must be replaced. */
    public static final int MAX_COUNTER = Integer.MAX_VALUE;
}
