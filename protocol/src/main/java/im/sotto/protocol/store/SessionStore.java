package im.sotto.protocol.store;

import java.util.List;
import java.util.Optional;

/** Session records (ratchet state), one per peer device. Loading returns a copy; nothing is kept until stored. */
public interface SessionStore {
    Optional<byte[]> load(SessionAddress address);

    void store(SessionAddress address, byte[] record);

    /** Returns whether a session was there. */
    boolean delete(SessionAddress address);

    /** The addresses of the sessions with one peer account's devices, ordered by device id. */
    List<SessionAddress> devices(String peerAccount);

    /** Every session address, ordered by peer and device id. */
    List<SessionAddress> addresses();
}
