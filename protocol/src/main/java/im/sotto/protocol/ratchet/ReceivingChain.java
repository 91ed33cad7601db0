package im.sotto.protocol.ratchet;

import im.sotto.protocol.crypto.SecretBytes;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * One of the peer's sending chains as this side sees it: its header key, where it sits in the peer's session-wide
 * numbering, how far it has been received, the keys held for messages not yet received, and the counters whose keys
 * expired. Mutable, but only ever mutated on a working copy of the session state ({@link #copy}).
 */
final class ReceivingChain {
    final HeaderKey headerKey;
    /** The peer's session-wide number of this chain's message 0. */
    final long sequenceBase;
    /** Nr: every message below it was received, is held in {@link #skipped} or is listed in {@link #expired}. */
    int next;
    /** CKr at position {@link #next}; null once the chain is closed. */
    ChainKey chainKey;
    /** The chain's length once the peer moved to a new chain (its PN), else -1. */
    int end = -1;
    final TreeMap<Integer, SkippedKey> skipped;
    final TreeSet<Integer> expired;
    /** Our ratchet private key this chain was derived with; needed for heartbeat sub-chains, else dropped. */
    SecretBytes ownPrivate;
    /** Cache of the newest heartbeat sub-chain's DH output: index, peer public key, secret. */
    int heartbeatIndex;
    byte[] heartbeatPublic;
    SecretBytes heartbeatSecret;

    ReceivingChain(HeaderKey headerKey, long sequenceBase, ChainKey chainKey, SecretBytes ownPrivate) {
        this(headerKey, sequenceBase, 0, chainKey, -1, new TreeMap<>(), new TreeSet<>(), ownPrivate, 0, null, null);
    }

    ReceivingChain(HeaderKey headerKey, long sequenceBase, int next, ChainKey chainKey, int end,
            TreeMap<Integer, SkippedKey> skipped, TreeSet<Integer> expired, SecretBytes ownPrivate, int heartbeatIndex,
            byte[] heartbeatPublic, SecretBytes heartbeatSecret) {
        this.headerKey = headerKey;
        this.sequenceBase = sequenceBase;
        this.next = next;
        this.chainKey = chainKey;
        this.end = end;
        this.skipped = skipped;
        this.expired = expired;
        this.ownPrivate = ownPrivate;
        this.heartbeatIndex = heartbeatIndex;
        this.heartbeatPublic = heartbeatPublic;
        this.heartbeatSecret = heartbeatSecret;
    }

    ReceivingChain copy() {
        return new ReceivingChain(headerKey, sequenceBase, next, chainKey, end, new TreeMap<>(skipped),
                new TreeSet<>(expired), ownPrivate, heartbeatIndex, heartbeatPublic, heartbeatSecret);
    }

    boolean closed() {
        return end >= 0;
    }

    /** Stores keys for positions {@link #next} up to (excluding) {@code until}, advancing the chain key. */
    void skipTo(int until, RatchetState state, long nowMillis) {
        while (next < until) {
            skipped.put(next, new SkippedKey(chainKey.messageKey(state.suite), nowMillis));
            chainKey = chainKey.next(state.suite);
            next++;
        }
    }

    /** The key for position {@link #next}, advancing past it. */
    MessageKey take(RatchetState state) {
        MessageKey mk = chainKey.messageKey(state.suite);
        chainKey = chainKey.next(state.suite);
        next++;
        return mk;
    }

    /** Closes the chain at the peer's announced length, holding keys for the messages still to come. */
    void close(int length, RatchetState state, long nowMillis) {
        skipTo(length, state, nowMillis);
        chainKey = null;
        end = length;
        heartbeatIndex = 0;
        heartbeatPublic = null;
        heartbeatSecret = null;
    }

    /** Moves held keys older than the lifetime to {@link #expired}, keeping that list bounded. */
    void expire(long nowMillis) {
        long lifetime = RatchetLimits.SKIPPED_KEY_LIFETIME.toMillis();
        skipped.entrySet().removeIf(e -> {
            if (nowMillis - e.getValue().createdAtMillis() >= lifetime) {
                expired.add(e.getKey());
                return true;
            }
            return false;
        });
        while (expired.size() > RatchetLimits.MAX_SKIP_PER_CHAIN) {
            expired.pollFirst();
        }
    }

    /** Drops the private key once nothing can need it: the chain is closed and holds no heartbeat-sub-chain key. */
    void dropPrivateIfUnneeded() {
        if (closed() && (skipped.isEmpty() || Header.heartbeatIndex(skipped.lastKey()) == 0)) {
            ownPrivate = null;
        }
    }

    /** Counters known missing: held keys and expired ones, as session-wide ranges. */
    List<SequenceRange> missing() {
        TreeSet<Integer> all = new TreeSet<>(skipped.keySet());
        all.addAll(expired);
        List<SequenceRange> out = new ArrayList<>();
        Integer start = null;
        Integer prev = null;
        for (int n : all) {
            if (start == null) {
                start = n;
            } else if (n != prev + 1) {
                out.add(SequenceRange.of(sequenceBase + start, sequenceBase + prev));
                start = n;
            }
            prev = n;
        }
        if (start != null) {
            out.add(SequenceRange.of(sequenceBase + start, sequenceBase + prev));
        }
        return out;
    }

    void forEachSecret(Consumer<SecretBytes> sink) {
        sink.accept(headerKey.secret());
        if (chainKey != null) {
            sink.accept(chainKey.secret());
        }
        skipped.values().forEach(k -> sink.accept(k.key().secret()));
        if (ownPrivate != null) {
            sink.accept(ownPrivate);
        }
        if (heartbeatSecret != null) {
            sink.accept(heartbeatSecret);
        }
    }

    @Override
    public String toString() {
        return "ReceivingChain[base=" + sequenceBase + ", next=" + next + ", end=" + end + ", held=" + skipped.size()
                + ", expired=" + expired.size() + "]";
    }
}
