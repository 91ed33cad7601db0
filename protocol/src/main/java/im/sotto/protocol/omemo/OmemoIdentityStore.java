package im.sotto.protocol.omemo;

import im.sotto.protocol.store.SessionAddress;
import java.util.List;
import java.util.Optional;

/**
 * What this device decided about each peer OMEMO device's identity key (an opaque record, {@link OmemoDeviceTrust}
 * writes it), one per device, kept apart from Sotto's own per-contact trust.
 */
public interface OmemoIdentityStore {
    Optional<byte[]> trustRecord(SessionAddress device);

    void storeTrustRecord(SessionAddress device, byte[] record);

    /** The devices of one peer account with a trust record, ordered by device id. */
    List<SessionAddress> trustedDevices(String peerAccount);

    /** Every peer device with a trust record, ordered by account then device id (for a contact list). */
    List<SessionAddress> allTrustedDevices();
}
