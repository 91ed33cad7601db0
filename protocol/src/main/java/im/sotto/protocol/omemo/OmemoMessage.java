package im.sotto.protocol.omemo;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An OMEMO 0.3 {@code <encrypted>} element as data: the sender device id ({@code sid}), the IV, one
 * {@link EncryptedKey} per recipient device, and the AES-GCM payload without its tag; a key transport message has no
 * payload. The binding maps it to and from XML (base64 for the byte fields).
 */
public final class OmemoMessage {
    private final int senderDeviceId;
    private final byte[] iv;
    private final List<EncryptedKey> keys;
    private final byte[] payload;

    private OmemoMessage(int senderDeviceId, byte[] iv, List<EncryptedKey> keys, byte[] payload) {
        this.senderDeviceId = senderDeviceId;
        this.iv = iv.clone();
        this.keys = List.copyOf(keys);
        this.payload = payload == null ? null : payload.clone();
    }

    public static OmemoMessage withPayload(int senderDeviceId, byte[] iv, List<EncryptedKey> keys, byte[] payload) {
        return new OmemoMessage(senderDeviceId, iv, keys, Objects.requireNonNull(payload, "payload"));
    }

    public static OmemoMessage keyTransport(int senderDeviceId, byte[] iv, List<EncryptedKey> keys) {
        return new OmemoMessage(senderDeviceId, iv, keys, null);
    }

    public int senderDeviceId() {
        return senderDeviceId;
    }

    public byte[] iv() {
        return iv.clone();
    }

    public List<EncryptedKey> keys() {
        return keys;
    }

    /** The payload, absent for a key transport message. */
    public Optional<byte[]> payload() {
        return payload == null ? Optional.empty() : Optional.of(payload.clone());
    }

    public boolean isKeyTransport() {
        return payload == null;
    }

    @Override
    public String toString() {
        return "OmemoMessage[sid " + senderDeviceId + ", " + keys.size() + " keys, "
                + (payload == null ? "key transport" : payload.length + " bytes payload") + "]";
    }
}
