package im.sotto.protocol.handshake;

import im.sotto.protocol.crypto.HashAlgorithm;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.noise.HandshakeState;
import im.sotto.protocol.noise.NoiseException;
import im.sotto.protocol.pake.CPace;
import im.sotto.protocol.pake.CPaceConfirmation;
import im.sotto.protocol.pake.CPaceResult;
import im.sotto.protocol.pake.PakeException;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * An optional per-contact password, run through CPace (X25519, SHA-512) inside the handshake (docs/protocol.md
 * 4.12): the initiator's share travels in message 1's frame, the responder's share and a key confirmation in
 * message 2's, and the ISK is mixed into the Noise state before message 2. An attacker gets one online guess per
 * handshake and nothing to test offline.
 */
final class PasswordExchange {
    static final byte[] CHANNEL_IDENTIFIER = "Sotto v1 handshake password".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SID_LABEL = "Sotto v1 CPace sid".getBytes(StandardCharsets.US_ASCII);
    /** lv_cat(Y, AD) of a 32-byte share and empty associated data is 34 bytes; anything near this is not a share. */
    static final int MAX_SHARE_MESSAGE = 256;

    private PasswordExchange() {}

    /** CPace's session id: unique per handshake because the initiator's ephemeral key is. */
    static byte[] sid(byte[] initiatorEphemeralPublic) {
        return Arrays.copyOf(HashAlgorithm.SHA256.digest(SID_LABEL, initiatorEphemeralPublic), 16);
    }

    static CPace initiator(byte[] password, byte[] initiatorEphemeralPublic, SecureRandom random) {
        return CPace.initiator(password, CHANNEL_IDENTIFIER, sid(initiatorEphemeralPublic), new byte[0], random);
    }

    /** The initiator's frame field: its share, length-prefixed. */
    static byte[] frameField(CPace initiator) {
        return new ByteWriter().vector16(initiator.message()).toByteArray();
    }

    static byte[] readShare(ByteReader body) throws MalformedInputException {
        return body.vector16(MAX_SHARE_MESSAGE, "CPace share");
    }

    /**
     * The responder's side: completes CPace with the initiator's share, mixes the ISK into {@code noise}, and
     * returns the RESPONSE frame field (its share and the confirmation tag).
     */
    static byte[] respond(byte[] password, byte[] initiatorShare, byte[] initiatorEphemeralPublic, HandshakeState noise,
            SecureRandom random) throws HandshakeException, NoiseException {
        CPace responder = CPace.responder(password, CHANNEL_IDENTIFIER, sid(initiatorEphemeralPublic), new byte[0],
                random);
        SecretBytes isk = finish(responder, initiatorShare);
        try {
            byte[] share = responder.message();
            byte[] tag = CPaceConfirmation.responderTag(isk, noise.handshakeHash());
            byte[] field = new ByteWriter().vector16(share).bytes(tag).toByteArray();
            noise.mixExternal(field, isk);
            return field;
        } finally {
            isk.wipe();
        }
    }

    /** The initiator's side of message 2: checks the confirmation (else: password mismatch), then mixes the ISK. */
    static void complete(CPace initiator, byte[] responderShare, byte[] tag, HandshakeState noise)
            throws HandshakeException, NoiseException {
        SecretBytes isk = finish(initiator, responderShare);
        try {
            if (!CPaceConfirmation.verifyResponderTag(isk, noise.handshakeHash(), tag)) {
                throw new HandshakeException(HandshakeException.Kind.PASSWORD_MISMATCH,
                        "the peer does not know the password agreed for this contact");
            }
            noise.mixExternal(new ByteWriter().vector16(responderShare).bytes(tag).toByteArray(), isk);
        } finally {
            isk.wipe();
        }
    }

    private static SecretBytes finish(CPace party, byte[] peerShare) throws HandshakeException {
        try {
            CPaceResult result = party.finish(peerShare);
            return result.isk();
        } catch (PakeException e) {
            throw new HandshakeException(HandshakeException.Kind.MALFORMED, "CPace share rejected: " + e.getMessage());
        }
    }
}
