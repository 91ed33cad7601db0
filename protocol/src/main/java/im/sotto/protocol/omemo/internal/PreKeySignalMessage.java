package im.sotto.protocol.omemo.internal;

import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoFailure;
import im.sotto.protocol.omemo.OmemoLimits;
import java.util.OptionalInt;

/**
 * Signal's session-starting message, version 3: the version byte 0x33 then the protobuf fields preKeyId = 1
 * (optional: absent when the bundle had no one-time prekey), baseKey = 2, identityKey = 3, message = 4 (a whole
 * {@link SignalMessage}), registrationId = 5 and signedPreKeyId = 6. Nothing here is authenticated by itself: the
 * inner message's MAC, under keys derived from these fields, is.
 */
public final class PreKeySignalMessage {
    private static final Protobuf.Schema SCHEMA = new Protobuf.Schema().varint(1).bytes(2).bytes(3).bytes(4)
            .varint(5).varint(6);

    private final int registrationId;
    private final OptionalInt preKeyId;
    private final int signedPreKeyId;
    private final byte[] baseKey;
    private final byte[] identityKey;
    private final SignalMessage message;
    private final byte[] serialized;

    private PreKeySignalMessage(int registrationId, OptionalInt preKeyId, int signedPreKeyId, byte[] baseKey,
            byte[] identityKey, SignalMessage message, byte[] serialized) {
        this.registrationId = registrationId;
        this.preKeyId = preKeyId;
        this.signedPreKeyId = signedPreKeyId;
        this.baseKey = baseKey;
        this.identityKey = identityKey;
        this.message = message;
        this.serialized = serialized;
    }

    public static PreKeySignalMessage create(int registrationId, OptionalInt preKeyId, int signedPreKeyId,
            byte[] baseKey, byte[] identityKey, SignalMessage message) {
        Protobuf.Writer writer = new Protobuf.Writer();
        preKeyId.ifPresent(id -> writer.uint32(1, id));
        byte[] body = writer.bytes(2, CurveKeys.serialize(baseKey)).bytes(3, CurveKeys.serialize(identityKey))
                .bytes(4, message.serialized()).uint32(5, registrationId).uint32(6, signedPreKeyId).toByteArray();
        byte[] serialized = new byte[1 + body.length];
        serialized[0] = (byte) SignalMessage.VERSION_BYTE;
        System.arraycopy(body, 0, serialized, 1, body.length);
        return new PreKeySignalMessage(registrationId, preKeyId, signedPreKeyId, baseKey.clone(),
                identityKey.clone(), message, serialized);
    }

    public static PreKeySignalMessage parse(byte[] data) throws OmemoException {
        if (data == null || data.length < 2) {
            throw new OmemoException(OmemoFailure.MALFORMED, "prekey message too short");
        }
        if (data.length > OmemoLimits.MAX_SIGNAL_MESSAGE_LENGTH) {
            throw new OmemoException(OmemoFailure.MALFORMED, "prekey message too long");
        }
        SignalMessage.checkVersion(data[0]);
        Protobuf.Fields fields = Protobuf.parse(data, 1, SCHEMA);
        OptionalInt preKeyId = fields.has(1) ? OptionalInt.of(fields.uint32(1, "preKeyId")) : OptionalInt.empty();
        byte[] baseKey = CurveKeys.parse(fields.bytes(2, "baseKey"), "base key");
        byte[] identityKey = CurveKeys.parse(fields.bytes(3, "identityKey"), "identity key");
        SignalMessage message = SignalMessage.parse(fields.bytes(4, "message"));
        // The registration id is informational (Signal's libraries do not check it either); absent means 0.
        int registrationId = fields.has(5) ? fields.uint32(5, "registrationId") : 0;
        int signedPreKeyId = fields.uint32(6, "signedPreKeyId");
        return new PreKeySignalMessage(registrationId, preKeyId, signedPreKeyId, baseKey, identityKey, message,
                data.clone());
    }

    public int registrationId() {
        return registrationId;
    }

    public OptionalInt preKeyId() {
        return preKeyId;
    }

    public int signedPreKeyId() {
        return signedPreKeyId;
    }

    public byte[] baseKey() {
        return baseKey.clone();
    }

    public byte[] identityKey() {
        return identityKey.clone();
    }

    public SignalMessage message() {
        return message;
    }

    public byte[] serialized() {
        return serialized.clone();
    }
}
