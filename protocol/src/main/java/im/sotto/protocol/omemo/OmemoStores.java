package im.sotto.protocol.omemo;

/**
 * The four OMEMO store roles as one transaction sees them ({@code Stores.omemo()}): this device's identity, its
 * private prekeys, the sessions with peer devices, and the trust decided for each peer device's identity key.
 */
public interface OmemoStores {
    OmemoDeviceStore device();

    OmemoPreKeyStore preKeys();

    OmemoSessionStore sessions();

    OmemoIdentityStore identities();
}
