package im.sotto.protocol.omemo;

/** Every bound the OMEMO 0.3 core enforces, with the reason for its value. */
public final class OmemoLimits {
    private OmemoLimits() {}

    /**
     * How far ahead of a receiving chain a message counter may be (the Double Ratchet's MAX_SKIP). 2000 is the bound
     * the Signal libraries behind most OMEMO clients apply, so any gap a peer considers normal is one we follow; it
     * bounds the work one authentic-looking header can cause to 2000 HMACs before the MAC is even checked.
     */
    public static final int MAX_SKIP = 2000;

    /**
     * Message keys one session state holds for messages that have not arrived. Beyond it the oldest are dropped (as
     * the Signal libraries do) so a long-lost message becomes undecryptable rather than the session unusable; 2000
     * keys are about 180 KB of record.
     */
    public static final int MAX_SKIPPED_KEYS = 2000;

    /**
     * Receiving chains kept per session state. A peer's older chains are kept so that messages it sent before our
     * last reply, delivered late, still decrypt; five direction changes cover what servers redeliver (the Signal
     * libraries keep as many).
     */
    public static final int MAX_RECEIVING_CHAINS = 5;

    /**
     * Earlier session states kept per device after a new session replaced them (both sides started one at once, or
     * the peer reinstalled): their in-flight messages still decrypt. Each state may hold skipped keys, so the bound
     * also bounds the record: 10 states, most of them without skipped keys in practice.
     */
    public static final int MAX_ARCHIVED_STATES = 10;

    /**
     * Largest Signal message accepted. OMEMO 0.3 puts only 32 bytes of key material through the session (a 48-byte
     * AES-CBC body, about 200 bytes of message); 4 KiB leaves room for any client's encoding while bounding what a
     * forged message makes us parse.
     */
    public static final int MAX_SIGNAL_MESSAGE_LENGTH = 4096;

    /**
     * Largest OMEMO payload accepted or produced. Above any XMPP server's default stanza limit after base64 (Prosody
     * 256 KiB), so a legitimate message never meets it; it bounds the allocation one message can cause.
     */
    public static final int MAX_PAYLOAD_LENGTH = 256 * 1024;

    /**
     * One-time prekeys published. XEP-0384 asks for at least 100, so that many peers can start sessions while this
     * device is offline; used ones are replaced by {@code OmemoPreKeys.refill}.
     */
    public static final int ONE_TIME_PREKEYS = 100;

    /** Prekey ids are unsigned 24-bit numbers in the Signal libraries (their "medium" ids); ours stay in that range. */
    public static final int MAX_PREKEY_ID = 0xFFFFFF;

    /**
     * One-time prekeys accepted in a peer's bundle. XEP-0384 asks for at least 100 and clients publish 100 to 200;
     * 1000 leaves room while bounding what a hostile bundle makes us hold.
     */
    public static final int MAX_BUNDLE_PREKEYS = 1000;
}
