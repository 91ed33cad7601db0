package im.sotto.protocol.store;

import java.util.Optional;

/**
 * This device's identity (account seed, device key and certificate, serialised by the core as one record) and the
 * trust decisions about peers' account keys, one record per peer account.
 */
public interface IdentityStore {
    Optional<byte[]> localIdentity();

    void storeLocalIdentity(byte[] record);

    /** The trust record for a peer account (bare JID), if a decision was ever recorded. */
    Optional<byte[]> peerTrust(String peerAccount);

    void storePeerTrust(String peerAccount, byte[] record);
}
