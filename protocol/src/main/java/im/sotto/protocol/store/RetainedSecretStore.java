package im.sotto.protocol.store;

import java.util.List;
import java.util.Optional;

/** Secrets retained from earlier sessions with a peer device (docs/protocol.md 4.11), one opaque record per device. */
public interface RetainedSecretStore {
    Optional<byte[]> load(SessionAddress address);

    void store(SessionAddress address, byte[] record);

    /** Returns whether a record was there. */
    boolean delete(SessionAddress address);

    List<SessionAddress> addresses();
}
