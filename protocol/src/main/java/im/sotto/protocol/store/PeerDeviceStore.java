package im.sotto.protocol.store;

import java.util.Optional;

/**
 * What this device remembers about the devices of each account it talks to, its own included: one opaque record per
 * account (the core's {@code PeerDevices}: revoked devices, last heard from, staleness reported). Kept apart from
 * the trust record so that revocation and staleness need no new trust record format.
 */
public interface PeerDeviceStore {
    Optional<byte[]> load(String account);

    /** Stores or replaces the record of {@code account}. */
    void store(String account, byte[] record);
}
