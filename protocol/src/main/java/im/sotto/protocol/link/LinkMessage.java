package im.sotto.protocol.link;

import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;

/**
 * The four link messages (docs/protocol.md 12.2). Each starts with the version byte, the type byte and the 16-byte
 * session id the approver chose; the rest depends on the type.
 */
public sealed interface LinkMessage {
    int VERSION = 1;
    int SESSION_ID_LENGTH = 16;
    /** CPace messages are lv_cat(Y, AD) with empty AD: 34 bytes; anything over this bound is malformed. */
    int MAX_PAKE_MESSAGE = 64;
    /** The request (device id and key) and the grant (seed and a certificate of ~155 bytes) fit in far less. */
    int MAX_BOX = 1024;
    int TAG_LENGTH = 32;

    byte[] sessionId();

    /** Approver to new device: the approver's CPace message. */
    record Offer(byte[] sessionId, byte[] pakeMessage) implements LinkMessage {
        static final int TYPE = 1;
    }

    /** New device to approver: its CPace message, its key confirmation and its sealed device id and key. */
    record Accept(byte[] sessionId, byte[] pakeMessage, byte[] confirmation, byte[] sealedRequest)
            implements LinkMessage {
        static final int TYPE = 2;

        /** The bytes the confirmation and the grant are bound to, after the offer: all up to the confirmation. */
        byte[] transcriptPart() {
            return header(TYPE, sessionId).vector16(pakeMessage).toByteArray();
        }
    }

    /** Approver to new device: the sealed account key and the certificate of the new device's key. */
    record Grant(byte[] sessionId, byte[] sealedGrant) implements LinkMessage {
        static final int TYPE = 3;
    }

    /** Either way: the attempt ended, and why. Unauthenticated, so it can only end an attempt. */
    record Abort(byte[] sessionId, LinkFailure reason) implements LinkMessage {
        static final int TYPE = 4;
    }

    static byte[] encode(LinkMessage message) {
        if (message instanceof Offer o) {
            return header(Offer.TYPE, o.sessionId).vector16(o.pakeMessage).toByteArray();
        }
        if (message instanceof Accept a) {
            return header(Accept.TYPE, a.sessionId).vector16(a.pakeMessage).bytes(a.confirmation)
                    .vector16(a.sealedRequest).toByteArray();
        }
        if (message instanceof Grant g) {
            return header(Grant.TYPE, g.sessionId).vector16(g.sealedGrant).toByteArray();
        }
        Abort abort = (Abort) message;
        return header(Abort.TYPE, abort.sessionId).u8(abort.reason.wireCode()).toByteArray();
    }

    static byte[] abort(byte[] sessionId, LinkFailure reason) {
        return encode(new Abort(sessionId, reason));
    }

    private static ByteWriter header(int type, byte[] sessionId) {
        return new ByteWriter().u8(VERSION).u8(type).bytes(sessionId);
    }

    /** Parses strictly: unknown version or type, wrong lengths and trailing bytes are {@link LinkFailure#MALFORMED}. */
    static LinkMessage parse(byte[] encoded) throws LinkException {
        try {
            ByteReader r = new ByteReader(encoded);
            int version = r.u8();
            if (version != VERSION) {
                throw LinkException.local(LinkFailure.MALFORMED, "link message version " + version);
            }
            int type = r.u8();
            byte[] sid = r.bytes(SESSION_ID_LENGTH);
            LinkMessage m;
            switch (type) {
                case Offer.TYPE:
                    m = new Offer(sid, r.vector16(MAX_PAKE_MESSAGE, "CPace message"));
                    break;
                case Accept.TYPE:
                    m = new Accept(sid, r.vector16(MAX_PAKE_MESSAGE, "CPace message"), r.bytes(TAG_LENGTH),
                            r.vector16(MAX_BOX, "sealed request"));
                    break;
                case Grant.TYPE:
                    m = new Grant(sid, r.vector16(MAX_BOX, "sealed grant"));
                    break;
                case Abort.TYPE:
                    m = new Abort(sid, LinkFailure.fromWire(r.u8()));
                    break;
                default:
                    throw LinkException.local(LinkFailure.MALFORMED, "link message type " + type);
            }
            r.expectEnd();
            return m;
        } catch (MalformedInputException e) {
            throw LinkException.local(LinkFailure.MALFORMED, "link message: " + e.getMessage());
        }
    }
}
