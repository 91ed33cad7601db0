package im.sotto.protocol.omemo;

import im.sotto.protocol.store.SessionAddress;
import java.util.List;
import java.util.Optional;

/**
 * OMEMO session records, one per peer device, kept apart from Sotto's own sessions (the device ids of the two
 * protocols are separate name spaces). Loading returns a copy; nothing is kept until stored.
 */
public interface OmemoSessionStore {
    Optional<byte[]> load(SessionAddress address);

    void store(SessionAddress address, byte[] record);

    /** Returns whether a session was there. */
    boolean delete(SessionAddress address);

    /** The addresses of the sessions with one peer account's devices, ordered by device id. */
    List<SessionAddress> devices(String peerAccount);
}
