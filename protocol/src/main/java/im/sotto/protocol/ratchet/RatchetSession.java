package im.sotto.protocol.ratchet;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.InvalidPublicKeyException;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519;
import im.sotto.protocol.crypto.X25519KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A Double Ratchet session with header encryption (Signal's specification, sections 3 and 4), plus heartbeats,
 * acknowledgements and loss detection (docs/protocol.md, "Double Ratchet messages").
 *
 * <p>Transactions: every operation works on a copy of the state and swaps the copy in as its last step, only after
 * everything verified. A message that is rejected or is a duplicate leaves the session, and its {@link #toRecord()
 * record}, byte for byte as they were. Not thread-safe: a caller serialises operations on one session (one store
 * transaction per message: load, operate, store the new record).
 */
public final class RatchetSession {
    private RatchetState state;
    private final SecureRandom random;
    private final Clock clock;

    private RatchetSession(RatchetState state, SecureRandom random, Clock clock) {
        this.state = state;
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** RatchetInitAliceHE: the side that sends first. */
    public static RatchetSession initiator(CipherSuite suite, SecretBytes rootKey, byte[] responderRatchetPublicKey,
            SecretBytes sendingHeaderKey, SecretBytes nextReceivingHeaderKey, SecureRandom random, Clock clock)
            throws InvalidPublicKeyException {
        return start(RatchetInit.forInitiator(suite, rootKey, responderRatchetPublicKey, sendingHeaderKey,
                nextReceivingHeaderKey), random, clock);
    }

    /** RatchetInitBobHE: the side that receives first; it cannot {@link #encrypt} until it has. */
    public static RatchetSession responder(CipherSuite suite, SecretBytes rootKey, X25519KeyPair ownRatchetKeyPair,
            SecretBytes nextSendingHeaderKey, SecretBytes nextReceivingHeaderKey, SecureRandom random, Clock clock) {
        try {
            return start(RatchetInit.forResponder(suite, rootKey, ownRatchetKeyPair, nextSendingHeaderKey,
                    nextReceivingHeaderKey), random, clock);
        } catch (InvalidPublicKeyException e) {
            throw new IllegalStateException("the responder performs no key agreement at start", e);
        }
    }

    /** Starts a session from a handshake's seed. Throws only for an initiator given a low-order responder key. */
    public static RatchetSession start(RatchetInit init, SecureRandom random, Clock clock)
            throws InvalidPublicKeyException {
        RatchetState s = new RatchetState(init.suite(), new ArrayList<>(), new SendLog(new ArrayList<>()));
        // Own copies: committing a step wipes what the state stops using, and the seed stays the caller's.
        HeaderKey hka = new HeaderKey(fresh(init.initiatorHeaderKey()));
        HeaderKey nhkb = new HeaderKey(fresh(init.responderHeaderKey()));
        if (init.role() == RatchetInit.Role.INITIATOR) {
            byte[] peer = init.responderRatchetPublicKey();
            X25519KeyPair own = X25519.generateKeyPair(random);
            SecretBytes dh = X25519.agree(own.privateKey(), peer);
            RootKey.Step step = new RootKey(fresh(init.rootKey())).advance(init.suite(), dh);
            dh.wipe();
            s.ownRatchetKey = own;
            s.peerRatchetKey = peer;
            s.rootKey = step.rootKey();
            s.sendingChain = step.chainKey();
            s.nextSendingHeaderKey = step.nextHeaderKey();
            s.sendingHeaderKey = hka;
            s.nextReceivingHeaderKey = nhkb;
        } else {
            s.ownRatchetKey = RatchetInit.copyOf(init.responderRatchetKeyPair());
            s.rootKey = new RootKey(fresh(init.rootKey()));
            s.nextSendingHeaderKey = nhkb;
            s.nextReceivingHeaderKey = hka;
        }
        return new RatchetSession(s, random, clock);
    }

    private static SecretBytes fresh(SecretBytes key) {
        return Secrets.adoptArray(key.reveal());
    }

    /** Loads a session from {@link #toRecord()}. */
    public static RatchetSession fromRecord(byte[] record, SecureRandom random, Clock clock)
            throws RatchetRecordException {
        return new RatchetSession(StateCodec.decode(record), random, clock);
    }

    /** The suite a record from {@link #toRecord()} runs under, for display; its secrets are not loaded. */
    public static CipherSuite suiteOf(byte[] record) throws RatchetRecordException {
        return StateCodec.suite(record);
    }

    /** The versioned, opaque record of this session's whole state, for a store to keep (it contains secrets). */
    public byte[] toRecord() {
        return StateCodec.encode(state);
    }

    public CipherSuite suite() {
        return state.suite;
    }

    /** False only for a responder that has not received a message yet. */
    public boolean canEncrypt() {
        return state.canSend();
    }

    /**
     * Encrypts one stanza payload. {@code associatedData} is bound to the message (the payload's associated data is
     * the message prefix followed by it) and must be given again to {@link #decrypt}.
     *
     * @throws IllegalStateException before a responder's first received message, or once counters are exhausted
     * @throws IllegalArgumentException for a plaintext above {@link RatchetLimits#MAX_PLAINTEXT_LENGTH}
     */
    public byte[] encrypt(byte[] plaintext, byte[] associatedData) {
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(associatedData, "associatedData");
        RatchetState work = state.copy();
        byte[] message = Encryptor.encrypt(work, plaintext, associatedData, random, clock.instant());
        commit(work);
        return message;
    }

    /** Decrypts one message; never throws for anything the message contains. */
    public DecryptResult decrypt(byte[] message, byte[] associatedData) {
        Objects.requireNonNull(associatedData, "associatedData");
        Decryptor.Outcome outcome = Decryptor.decrypt(state, message, associatedData, random, clock.instant());
        if (outcome.newState() != null) {
            commit(outcome.newState());
        }
        return outcome.result();
    }

    /** How many messages this side has sent; our next message has this session-wide number. */
    public long sentCount() {
        return state.totalSent();
    }

    /** The peer's messages up to and including the newest received (the acknowledgement we send). */
    public long receivedHighWater() {
        return state.receivedHighWater();
    }

    /** How many of our messages the peer has acknowledged receiving (up to its newest). */
    public long acknowledgedByPeer() {
        return state.peerAcknowledged;
    }

    /** "Stanzas n..m from the peer are missing": gaps in what we received, in the chains this session remembers. */
    public List<SequenceRange> missingFromPeer() {
        return state.missingFromPeer();
    }

    /**
     * "Your stanzas n..m were not acknowledged within {@code period}": our messages sent at least {@code period} ago
     * that the peer has not acknowledged, or empty.
     */
    public Optional<SequenceRange> unacknowledgedOlderThan(Duration period) {
        return state.sendLog.overdue(state.peerAcknowledged, period, clock.instant());
    }

    /**
     * Our content messages (not empty ones) the peer has not acknowledged, first to last, however recent: what a
     * session replaced now may have lost. Empty when every content message was acknowledged.
     */
    public Optional<SequenceRange> unacknowledgedContent() {
        return state.sendLog.unacknowledged(state.peerAcknowledged);
    }

    /**
     * True once {@link RatchetLimits#HEARTBEAT_INTERVAL} messages arrived since we last sent: sending any message (an
     * empty one will do) moves the peer to a new chain keyed by a DH with our fresh ratchet key, which heals a
     * compromise of this side's receiving state; the sender's own heartbeats cannot.
     */
    public boolean replyDue() {
        return state.receivedSinceSend >= RatchetLimits.HEARTBEAT_INTERVAL && state.canSend();
    }

    /** For tests in this package: the state (never hand it out). */
    RatchetState state() {
        return state;
    }

    private void commit(RatchetState next) {
        RatchetState old = state;
        state = next;
        old.wipeSecretsNotIn(next);
    }

    @Override
    public String toString() {
        return "RatchetSession[" + state.suite + ", sent=" + state.totalSent() + ", received="
                + state.receivedHighWater() + ", keys redacted]";
    }
}
