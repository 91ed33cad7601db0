package im.sotto.protocol.store;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where a session leads: the peer's bare JID and one of its device ids. Validated at construction, so a store never
 * holds an empty or oversized address. Ordered by peer, then device id.
 */
public record SessionAddress(String peer, long deviceId) implements Comparable<SessionAddress> {
    /** A bare JID is a localpart and a domainpart of at most 1023 bytes each plus '@' (RFC 7622, section 3). */
    public static final int MAX_PEER_BYTES = 2047;

    public SessionAddress {
        checkPeer(peer);
        if (deviceId < 0) {
            throw new IllegalArgumentException("device id must not be negative");
        }
    }

    /** Checks a peer account address (bare JID) the way every store interface does. */
    public static String checkPeer(String peer) {
        Objects.requireNonNull(peer, "peer");
        int bytes = peer.getBytes(StandardCharsets.UTF_8).length;
        if (bytes == 0 || bytes > MAX_PEER_BYTES) {
            throw new IllegalArgumentException("peer address must be 1.." + MAX_PEER_BYTES + " bytes of UTF-8");
        }
        if (peer.indexOf('/') >= 0) {
            throw new IllegalArgumentException("peer address must be a bare JID (no resource)");
        }
        return peer;
    }

    @Override
    public int compareTo(SessionAddress other) {
        int byPeer = peer.compareTo(other.peer);
        return byPeer != 0 ? byPeer : Long.compare(deviceId, other.deviceId);
    }
}
