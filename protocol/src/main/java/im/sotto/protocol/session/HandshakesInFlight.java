package im.sotto.protocol.session;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import im.sotto.protocol.handshake.HandshakeMessages;
import im.sotto.protocol.handshake.OnlineInitiator;
import im.sotto.protocol.handshake.OnlineResponder;

/**
 * The online handshakes in flight, at most one per peer address (a transport's full JID), each with the role this
 * side plays in it. In memory only: a handshake that outlives its connection is simply started again. Not thread-safe:
 * one session driver owns it.
 *
 * @param <A> the transport's address of a peer's device
 */
public final class HandshakesInFlight<A> {
    /**
     * Handshakes in flight at once, across all peers; the oldest is dropped (its peer retries). Each holds a few
     * kilobytes of key material; one per full JID is kept anyway, so only JIDs forged in bulk (a hostile server) reach
     * this. Legitimate traffic has a handful.
     */
    public static final int MAX_IN_FLIGHT = 256;

    /** One handshake in flight, with the role this side plays in it. */
    public sealed interface Party {
        /** The side that sends what this side sends in it. */
        HandshakeMessages.Sender role();
    }

    /** This side started it. */
    public record Initiating(OnlineInitiator initiator) implements Party {
        @Override
        public HandshakeMessages.Sender role() {
            return HandshakeMessages.Sender.INITIATOR;
        }
    }

    /** The peer started it; {@code answeredAt} is when this side answered its message 1. */
    public record Responding(OnlineResponder responder, Instant answeredAt) implements Party {
        @Override
        public HandshakeMessages.Sender role() {
            return HandshakeMessages.Sender.RESPONDER;
        }
    }

    private final Map<A, Party> parties = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<A, Party> eldest) {
            return size() > MAX_IN_FLIGHT;
        }
    };

    /**
     * True if {@code message} opens a handshake (it would start a responder), read from its frame type alone: a
     * transport can hold an opening while it cannot yet tell whether the sender is a contact, without knowing the
     * frame's codes. It says nothing about the message's validity.
     */
    public static boolean opensHandshake(byte[] message) {
        return HandshakeMessages.opensHandshake(message);
    }

    public Optional<Party> get(A peer) {
        return Optional.ofNullable(parties.get(peer));
    }

    /** Starts (or restarts) this side's handshake with {@code peer}, replacing whatever was in flight with it. */
    public void initiating(A peer, OnlineInitiator initiator) {
        parties.put(peer, new Initiating(initiator));
    }

    /** Answers {@code peer}'s opening, replacing whatever was in flight with it. */
    public void responding(A peer, OnlineResponder responder, Instant now) {
        parties.put(peer, new Responding(responder, now));
    }

    public boolean contains(A peer) {
        return parties.containsKey(peer);
    }

    /** Whether this side answered {@code peer}'s opening at or after {@code since} and waits for its next message. */
    public boolean answeredSince(A peer, Instant since) {
        return parties.get(peer) instanceof Responding r && !r.answeredAt().isBefore(since);
    }

    public void remove(A peer) {
        parties.remove(peer);
    }
}
