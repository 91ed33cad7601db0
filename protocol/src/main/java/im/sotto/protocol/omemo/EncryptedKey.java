package im.sotto.protocol.omemo;

import java.util.Objects;

/**
 * One {@code <key>} of an OMEMO 0.3 header: the recipient device id, whether it is a prekey message
 * ({@code prekey="true"}), and the serialized Signal message carrying the key material.
 */
public record EncryptedKey(int recipientDeviceId, boolean preKey, byte[] data) {
    public EncryptedKey {
        Objects.requireNonNull(data, "data");
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncryptedKey k && k.recipientDeviceId == recipientDeviceId && k.preKey == preKey
                && java.util.Arrays.equals(k.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * recipientDeviceId + java.util.Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "EncryptedKey[rid " + recipientDeviceId + (preKey ? ", prekey" : "") + ", " + data.length + " bytes]";
    }
}
