package im.sotto.protocol.handshake;

import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;

/**
 * The cleartext frame around each handshake message: wire version, message type, the type's cleartext fields
 * (offers or a selection), then the Noise message. Layout in docs/protocol.md, "Online handshake".
 */
final class Frame {
    static final int WIRE_VERSION = 1;

    enum Type {
        // Types share one space with the other Sotto messages (ratchet 0x01-0x0f, first messages 0x20-0x2f), so
        // any Sotto message can be classified by its second byte.
        INIT(0x10), RESPONSE(0x11), INITIATOR_FINISH(0x12), RESPONDER_FINISH(0x13), COUNTER_OFFER(0x14),
        RETRY_INIT(0x15), KNOWN_PEER_INIT(0x16), CONTINUITY_CONFIRM(0x17);

        final int code;

        Type(int code) {
            this.code = code;
        }

        static Type of(int code) throws HandshakeException {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            throw new HandshakeException(HandshakeException.Kind.MALFORMED, "unknown handshake message type " + code);
        }
    }

    /**
     * The type named by a message's second byte, without parsing or checking anything else; empty when that byte is
     * no handshake type (or the message is shorter than two bytes).
     */
    static java.util.Optional<Type> peekType(byte[] message) {
        if (message.length < 2) {
            return java.util.Optional.empty();
        }
        for (Type t : Type.values()) {
            if (t.code == (message[1] & 0xff)) {
                return java.util.Optional.of(t);
            }
        }
        return java.util.Optional.empty();
    }

    final Type type;
    final ByteReader body;

    private Frame(Type type, ByteReader body) {
        this.type = type;
        this.body = body;
    }

    static Frame parse(byte[] bytes) throws HandshakeException {
        ByteReader r = new ByteReader(bytes);
        try {
            int version = r.u8();
            if (version != WIRE_VERSION) {
                throw new HandshakeException(HandshakeException.Kind.UNSUPPORTED_VERSION,
                        "handshake wire version " + version);
            }
            return new Frame(Type.of(r.u8()), r);
        } catch (MalformedInputException e) {
            throw new HandshakeException(HandshakeException.Kind.MALFORMED, e.getMessage());
        }
    }

    static ByteWriter start(Type type) {
        return new ByteWriter().u8(WIRE_VERSION).u8(type.code);
    }
}
