package im.sotto.protocol.omemo;

import java.util.Optional;

/** This device's OMEMO identity record (device id and identity key pair), opaque and versioned by the core. */
public interface OmemoDeviceStore {
    Optional<byte[]> localDevice();

    void storeLocalDevice(byte[] record);
}
