package im.sotto.protocol.omemo2.internal;

import im.sotto.protocol.crypto.Ed25519KeyPair;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.omemo.OmemoDeviceId;
import im.sotto.protocol.store.StoreFailureException;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;

/**
 * This device's OMEMO 2 identity record: the tag byte {@link #RECORD_TAG}, the u32 device id and the 32-byte Ed25519
 * seed. Prekeys use OMEMO 0.3's prekey records (X25519 keys, a 64-byte signature, a creation time), which fit both.
 */
public final class TwomemoKeyRecords {
    public static final int RECORD_TAG = 0x21;

    private TwomemoKeyRecords() {}

    public record Device(int deviceId, Ed25519KeyPair identity) {}

    public static byte[] encodeDevice(Device d) {
        return new ByteWriter().u8(RECORD_TAG).u32(d.deviceId()).secret(d.identity().seed()).toByteArrayAndWipe();
    }

    public static Device decodeDevice(byte[] record) {
        try {
            ByteReader r = new ByteReader(record);
            if (r.u8() != RECORD_TAG) {
                throw new MalformedInputException("not an OMEMO 2 device record");
            }
            long id = r.u32();
            if (!OmemoDeviceId.isValid(id)) {
                throw new MalformedInputException("device id out of range");
            }
            SecretBytes seed = r.secret(EdwardsKeys.KEY_LENGTH);
            r.expectEnd();
            return new Device((int) id, Ed25519KeyPair.fromSeed(seed));
        } catch (MalformedInputException e) {
            throw new StoreFailureException(StoreFailureException.Kind.DAMAGED, "OMEMO 2 device record: "
                    + e.getMessage(), e);
        }
    }
}
