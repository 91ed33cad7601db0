package im.sotto.protocol.session;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import im.sotto.protocol.handshake.UnconfirmedAnswer;
import im.sotto.protocol.ratchet.RatchetRecordException;
import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.Stores;
import im.sotto.protocol.trust.BareJid;

/**
 * The known-peer (IK) answers this device gave that wait for liveness (docs/protocol.md 4.6), kept in the store with
 * the peer device's retained secrets ({@link RetainedSecretRecord}): the last few per peer device. Whether a peer has
 * any is cached, so that a stanza from a peer without one costs no store read. Not thread-safe: one session driver
 * owns it.
 */
public final class KnownPeerAnswers {
    /**
     * Peers whose answer state is cached. Each entry is a few bytes; a stanza from any JID adds one, so the bound
     * only matters for JIDs forged in bulk (an evicted entry is read from the store again).
     */
    private static final int CACHED_PEERS = 1024;

    /** Identifies one stored answer, so that a timer drops that one and not a newer one. */
    private record Token(long deviceId, Instant answeredAt) {
    }

    private final AccountStore store;
    private final SecureRandom random;
    private final Clock clock;
    private final Map<BareJid, Optional<Object>> newest = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<BareJid, Optional<Object>> eldest) {
            return size() > CACHED_PEERS;
        }
    };

    public KnownPeerAnswers(AccountStore store, SecureRandom random, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Stores {@code answer} (its own transaction, before message 2 is sent). */
    public void keep(BareJid peer, UnconfirmedAnswer answer) {
        store.transact(stores -> {
            RetainedSecretRecord.keepUnconfirmed(stores, peer, answer);
            return null;
        });
        newest.remove(peer);
    }

    /** A token for the newest answer to a device of {@code peer}, if any waits. */
    public Optional<Object> newest(BareJid peer) {
        Optional<Object> cached = newest.get(peer);
        if (cached == null) {
            cached = store.transact(stores -> RetainedSecretRecord.unconfirmed(stores, peer).stream()
                    .max((a, b) -> a.answeredAt().compareTo(b.answeredAt()))
                    .map(a -> (Object) new Token(a.peerCertificate().deviceId(), a.answeredAt())));
            newest.put(peer, cached);
        }
        return cached;
    }

    /** The stored answer to a device of {@code peer} under which one of {@code ratchetPayloads} opens, if any. */
    public Optional<UnconfirmedAnswer> confirmed(Stores stores, BareJid peer, List<byte[]> ratchetPayloads,
            byte[] associatedData) {
        for (UnconfirmedAnswer answer : RetainedSecretRecord.unconfirmed(stores, peer)) {
            try {
                if (answer.opensAny(ratchetPayloads, associatedData, random, clock)) {
                    return Optional.of(answer);
                }
            } catch (RatchetRecordException e) {
                throw new IllegalStateException("an unconfirmed answer's session cannot be read", e);
            }
        }
        return Optional.empty();
    }

    /** Forgets what is cached for {@code peer} (after the store changed). */
    public void forget(BareJid peer) {
        newest.remove(peer);
    }

    /** Whether the answer {@code token} names is still stored, unconfirmed. */
    public boolean stillUnconfirmed(BareJid peer, Object token) {
        return token instanceof Token t && store.transact(stores -> RetainedSecretRecord.unconfirmed(stores, peer)
                .stream().anyMatch(a -> a.peerCertificate().deviceId() == t.deviceId()
                        && a.answeredAt().equals(t.answeredAt())));
    }
}
