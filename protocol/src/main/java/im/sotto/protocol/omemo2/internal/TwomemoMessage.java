package im.sotto.protocol.omemo2.internal;

import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoFailure;
import im.sotto.protocol.omemo.internal.Protobuf;

/**
 * OMEMO 2's three protobuf messages (XEP-0384 0.8, all fields proto2 "required" but the ciphertext):
 * <pre>
 * OMEMOMessage              { n = 1 (uint32), pn = 2 (uint32), dh_pub = 3 (bytes, 32), ciphertext = 4 (bytes) }
 * OMEMOAuthenticatedMessage { mac = 1 (bytes, 16), message = 2 (bytes: a serialized OMEMOMessage) }
 * OMEMOKeyExchange          { pk_id = 1 (uint32), spk_id = 2 (uint32), ik = 3 (bytes, 32, Ed25519),
 *                             ek = 4 (bytes, 32), message = 5 (OMEMOAuthenticatedMessage) }
 * </pre>
 * Parsed as strictly as OMEMO 0.3's Signal messages ({@link Protobuf}); the authenticated message keeps the exact
 * bytes of its inner message, which is what the MAC covers.
 */
public final class TwomemoMessage {
    public static final int MAC_LENGTH = 16;
    /** Bigger than any key element OMEMO 2 produces (about 150 bytes) while bounding what a forged one costs. */
    public static final int MAX_LENGTH = 4096;

    private static final Protobuf.Schema MESSAGE = new Protobuf.Schema().varint(1).varint(2).bytes(3).bytes(4);
    private static final Protobuf.Schema AUTHENTICATED = new Protobuf.Schema().bytes(1).bytes(2);
    private static final Protobuf.Schema KEY_EXCHANGE =
            new Protobuf.Schema().varint(1).varint(2).bytes(3).bytes(4).bytes(5);

    private TwomemoMessage() {}

    /** The ratchet header and AES-CBC ciphertext of one message. */
    public record Header(int n, int pn, byte[] ratchetKey, byte[] ciphertext) {
        public byte[] serialize() {
            return new Protobuf.Writer().uint32(1, n).uint32(2, pn).bytes(3, ratchetKey).bytes(4, ciphertext)
                    .toByteArray();
        }

        public static Header parse(byte[] data) throws OmemoException {
            Protobuf.Fields f = Protobuf.parse(data, 0, MESSAGE);
            byte[] ratchetKey = f.bytes(3, "dh_pub");
            byte[] ciphertext = f.bytes(4, "ciphertext");
            if (ratchetKey.length != EdwardsKeys.KEY_LENGTH) {
                throw new OmemoException(OmemoFailure.MALFORMED, "dh_pub is not 32 bytes");
            }
            if (ciphertext.length == 0 || ciphertext.length % 16 != 0) {
                throw new OmemoException(OmemoFailure.MALFORMED, "ciphertext is not whole AES blocks");
            }
            return new Header(f.uint32(1, "n"), f.uint32(2, "pn"), ratchetKey, ciphertext);
        }
    }

    /** A truncated MAC and the exact bytes of the OMEMOMessage it covers. */
    public record Authenticated(byte[] mac, byte[] message) {
        public byte[] serialize() {
            return new Protobuf.Writer().bytes(1, mac).bytes(2, message).toByteArray();
        }

        public static Authenticated parse(byte[] data) throws OmemoException {
            checkLength(data);
            Protobuf.Fields f = Protobuf.parse(data, 0, AUTHENTICATED);
            byte[] mac = f.bytes(1, "mac");
            if (mac.length != MAC_LENGTH) {
                throw new OmemoException(OmemoFailure.MALFORMED, "mac is not 16 bytes");
            }
            return new Authenticated(mac, f.bytes(2, "message"));
        }

        public Header header() throws OmemoException {
            return Header.parse(message);
        }
    }

    /** The first messages of a session: what the responder needs for X3DH, and the first authenticated message. */
    public record KeyExchange(int preKeyId, int signedPreKeyId, byte[] identityKey, byte[] baseKey,
            Authenticated message) {
        public byte[] serialize() {
            return new Protobuf.Writer().uint32(1, preKeyId).uint32(2, signedPreKeyId).bytes(3, identityKey)
                    .bytes(4, baseKey).bytes(5, message.serialize()).toByteArray();
        }

        public static KeyExchange parse(byte[] data) throws OmemoException {
            checkLength(data);
            Protobuf.Fields f = Protobuf.parse(data, 0, KEY_EXCHANGE);
            byte[] ik = f.bytes(3, "ik");
            byte[] ek = f.bytes(4, "ek");
            if (ik.length != EdwardsKeys.KEY_LENGTH || ek.length != EdwardsKeys.KEY_LENGTH) {
                throw new OmemoException(OmemoFailure.MALFORMED, "ik or ek is not 32 bytes");
            }
            return new KeyExchange(f.uint32(1, "pk_id"), f.uint32(2, "spk_id"), ik, ek,
                    Authenticated.parse(f.bytes(5, "message")));
        }
    }

    private static void checkLength(byte[] data) throws OmemoException {
        if (data == null || data.length > MAX_LENGTH) {
            throw new OmemoException(OmemoFailure.MALFORMED, "key element over " + MAX_LENGTH + " bytes");
        }
    }
}
