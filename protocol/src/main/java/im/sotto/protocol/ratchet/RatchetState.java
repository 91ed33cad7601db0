package im.sotto.protocol.ratchet;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The whole state of one session (the specification's state variables plus Sotto's additions). Mutable, but a
 * {@link RatchetSession} only mutates a {@link #copy} and swaps it in once an operation has fully succeeded. Key
 * objects are immutable and shared between copies; secrets are wiped only after a commit, and only those the new
 * state no longer references ({@link #wipeSecretsNotIn}).
 */
final class RatchetState {
    final CipherSuite suite;
    RootKey rootKey;
    /** DHs: our current ratchet key pair. */
    X25519KeyPair ownRatchetKey;
    /** DHr: the peer's current ratchet public key; null until known (a responder before its first message). */
    byte[] peerRatchetKey;

    // Sending side: CKs, HKs, NHKs, Ns, PN, and the session-wide number of this chain's message 0.
    ChainKey sendingChain;
    HeaderKey sendingHeaderKey;
    HeaderKey nextSendingHeaderKey;
    int sent;
    int previousChainLength;
    long sendSequenceBase;
    /** The current heartbeat sub-chain: its index (0 = none), public key and DH output with the peer's ratchet key. */
    int heartbeatIndex;
    byte[] heartbeatPublic;
    SecretBytes heartbeatSecret;

    // Receiving side: NHKr, the current chain (HKr, CKr, Nr) and the remembered earlier chains, newest first.
    HeaderKey nextReceivingHeaderKey;
    ReceivingChain current;
    final List<ReceivingChain> previous;

    /** How many of our messages the peer has acknowledged (its highest ACK so far). */
    long peerAcknowledged;
    /** Messages received since we last sent; a reply is due at {@link RatchetLimits#HEARTBEAT_INTERVAL}. */
    int receivedSinceSend;
    final SendLog sendLog;

    RatchetState(CipherSuite suite, List<ReceivingChain> previous, SendLog sendLog) {
        this.suite = suite;
        this.previous = previous;
        this.sendLog = sendLog;
    }

    RatchetState copy() {
        List<ReceivingChain> prev = new ArrayList<>(previous.size());
        for (ReceivingChain c : previous) {
            prev.add(c.copy());
        }
        RatchetState s = new RatchetState(suite, prev, sendLog.copy());
        s.rootKey = rootKey;
        s.ownRatchetKey = ownRatchetKey;
        s.peerRatchetKey = peerRatchetKey;
        s.sendingChain = sendingChain;
        s.sendingHeaderKey = sendingHeaderKey;
        s.nextSendingHeaderKey = nextSendingHeaderKey;
        s.sent = sent;
        s.previousChainLength = previousChainLength;
        s.sendSequenceBase = sendSequenceBase;
        s.heartbeatIndex = heartbeatIndex;
        s.heartbeatPublic = heartbeatPublic;
        s.heartbeatSecret = heartbeatSecret;
        s.nextReceivingHeaderKey = nextReceivingHeaderKey;
        s.current = current == null ? null : current.copy();
        s.peerAcknowledged = peerAcknowledged;
        s.receivedSinceSend = receivedSinceSend;
        return s;
    }

    boolean canSend() {
        return sendingChain != null && sendingHeaderKey != null;
    }

    /** Our session-wide count of messages sent. */
    long totalSent() {
        return sendSequenceBase + sent;
    }

    /** Our acknowledgement: the peer's messages up to and including the newest we received. */
    long receivedHighWater() {
        return current == null ? 0 : current.sequenceBase + current.next;
    }

    int totalSkipped() {
        int total = current == null ? 0 : current.skipped.size();
        for (ReceivingChain c : previous) {
            total += c.skipped.size();
        }
        return total;
    }

    /** Expires old held keys and forgets receiving chains that are no longer needed. */
    void housekeeping(long nowMillis) {
        if (current != null) {
            current.expire(nowMillis);
        }
        for (ReceivingChain c : previous) {
            c.expire(nowMillis);
            c.dropPrivateIfUnneeded();
        }
        for (int i = previous.size() - 1; i >= RatchetLimits.MAX_PREVIOUS_RECEIVING_CHAINS; i--) {
            if (previous.get(i).skipped.isEmpty()) {
                previous.remove(i);
            }
        }
    }

    List<SequenceRange> missingFromPeer() {
        List<SequenceRange> out = new ArrayList<>();
        for (int i = previous.size() - 1; i >= 0; i--) {
            out.addAll(previous.get(i).missing());
        }
        if (current != null) {
            out.addAll(current.missing());
        }
        return Collections.unmodifiableList(out);
    }

    /** Every secret this state references; the forward-secrecy test hands exactly these to the attacker. */
    void forEachSecret(Consumer<SecretBytes> sink) {
        sink.accept(rootKey.secret());
        sink.accept(ownRatchetKey.privateKey());
        for (Object k : new Object[] {sendingChain, sendingHeaderKey, nextSendingHeaderKey, nextReceivingHeaderKey}) {
            if (k instanceof ChainKey ck) {
                sink.accept(ck.secret());
            } else if (k instanceof HeaderKey hk) {
                sink.accept(hk.secret());
            }
        }
        if (heartbeatSecret != null) {
            sink.accept(heartbeatSecret);
        }
        if (current != null) {
            current.forEachSecret(sink);
        }
        previous.forEach(c -> c.forEachSecret(sink));
    }

    /** Best-effort erasure of this state's secrets that {@code kept} no longer references. */
    void wipeSecretsNotIn(RatchetState kept) {
        Set<SecretBytes> live = Collections.newSetFromMap(new IdentityHashMap<>());
        kept.forEachSecret(live::add);
        forEachSecret(s -> {
            if (!live.contains(s)) {
                s.wipe();
            }
        });
    }
}
