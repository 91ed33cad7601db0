package im.sotto.xmpp;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jxmpp.jid.BareJid;

/**
 * How many handshakes each peer account may open with this device: a token bucket per bare JID. Answering a
 * handshake's first message is the one expensive thing a stranger can make us do (a key pair and two or three key
 * agreements, more with the hybrid suite), so a flood of first messages from one account is answered at this rate
 * and the rest is dropped and reported. Called only from the manager's worker thread.
 */
public final class HandshakeRateLimit {
    /**
     * First messages a peer may send at once: a reconnect, a healing handshake and a renewal, each with its retries
     * ({@link SessionEstablishment#MAX_HANDSHAKE_ATTEMPTS}), fit with room to spare.
     */
    public static final int BURST = 10;
    /**
     * Then one more per this interval (10 a minute): far above what a person's devices need (a handshake per new
     * session), far below what a flood needs to cost us noticeable CPU (about 0.3 ms of key agreement each).
     */
    public static final Duration REFILL_INTERVAL = Duration.ofSeconds(6);
    /**
     * Peers tracked at once; the one seen longest ago is forgotten. Bounds the memory an attacker with many accounts
     * can make us keep; a forgotten peer starts again with a full burst, so work stays bounded by BURST per eviction.
     */
    public static final int MAX_PEERS = 4096;

    HandshakeRateLimit() {
    }

    private record Bucket(double tokens, Instant at) {
    }

    private final Map<BareJid, Bucket> buckets = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<BareJid, Bucket> eldest) {
            return size() > MAX_PEERS;
        }
    };

    /** True, and one token spent, if {@code peer} may open a handshake at {@code now}. */
    boolean tryAcquire(BareJid peer, Instant now) {
        Bucket bucket = buckets.get(peer);
        double tokens = BURST;
        if (bucket != null) {
            long elapsedMillis = Math.max(0, Duration.between(bucket.at(), now).toMillis());
            tokens = Math.min(BURST, bucket.tokens() + (double) elapsedMillis / REFILL_INTERVAL.toMillis());
        }
        // A clock that steps back must not earn tokens when it steps forward again: time only moves on.
        Instant stamp = bucket != null && bucket.at().isAfter(now) ? bucket.at() : now;
        if (tokens < 1) {
            buckets.put(peer, new Bucket(tokens, stamp));
            return false;
        }
        buckets.put(peer, new Bucket(tokens - 1, stamp));
        return true;
    }
}
