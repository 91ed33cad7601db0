package im.sotto.protocol.ratchet;

import java.nio.charset.StandardCharsets;

/** The ratchet's HKDF labels. They are part of the protocol: changing one is a new protocol version. */
final class RatchetKdf {
    private RatchetKdf() {}

    /** KDF_RK info: root key, chain key and next header key from a DH output. */
    static final byte[] ROOT_INFO = "Sotto v1 ratchet root".getBytes(StandardCharsets.US_ASCII);

    /** Payload AEAD key and nonce from a message key. */
    static final byte[] MESSAGE_INFO = "Sotto v1 ratchet message".getBytes(StandardCharsets.US_ASCII);
}
