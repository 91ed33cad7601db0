package im.sotto.protocol.handshake;

import im.sotto.protocol.crypto.HashAlgorithm;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * The CONTINUITY_CONFIRM frame (docs/protocol.md 4.11): the retained-secret confirmation that the XX and the
 * responder-protected modes cannot carry inside their Noise messages, because the side that must confirm learns who
 * its peer is only from the pattern's last message. It is sent after that message, only when the peer asked for it
 * (extension {@link Extensions#CONFIRMATION_REQUEST}: the peer holds retained secrets for this device), so that a
 * device with history always gets a proof from its peer, whatever mode the other side chose.
 *
 * <p>Layout: {@code u8 1 || u8 0x17 || confirmation (32) || mac (32)}. The confirmation is that of the IK mode over
 * the final handshake hash; the MAC, under a key from the session's own export, lets only the party that ran this
 * handshake write it, so a network attacker who replaces the confirmation causes {@code TAMPERED}, never a forged
 * {@code BROKEN}.
 */
final class LateConfirmation {
    private static final byte[] MAC_LABEL = "Sotto v1 late confirmation".getBytes(StandardCharsets.US_ASCII);

    private LateConfirmation() {}

    /** The frame confirming {@code matched} (the newest of the peer's proven secrets this side holds; random if none). */
    static byte[] frame(HashAlgorithm hash, SecretBytes key, Optional<SecretBytes> matched, byte[] handshakeHash,
            SecureRandom random) {
        byte[] confirmation = ContinuityProofs.confirmation(hash, matched, handshakeHash, random);
        return Frame.start(Frame.Type.CONTINUITY_CONFIRM).bytes(confirmation)
                .bytes(hash.hmac(key, MAC_LABEL, confirmation)).toByteArray();
    }

    /**
     * Reads the frame's body: the index of the secret of {@code held} it confirms, if any.
     *
     * @throws HandshakeException {@code TAMPERED} when the MAC fails (the frame was not written by the peer)
     */
    static Optional<Integer> read(HashAlgorithm hash, SecretBytes key, Optional<RetainedSecrets> held,
            ByteReader body, byte[] handshakeHash) throws HandshakeException, MalformedInputException {
        byte[] confirmation = body.bytes(ContinuityProofs.TAG_LENGTH);
        byte[] mac = body.bytes(hash.length());
        body.expectEnd();
        if (!hash.verifyHmac(key, mac, MAC_LABEL, confirmation)) {
            throw new HandshakeException(HandshakeException.Kind.TAMPERED,
                    "the continuity confirmation was not written by the peer of this handshake");
        }
        return ContinuityProofs.confirmed(hash, held, confirmation, handshakeHash);
    }

    /** Whether the peer's extensions ask for a late confirmation. */
    static boolean requested(byte[] extensions) throws MalformedInputException {
        return Extensions.parse(extensions).get(Extensions.CONFIRMATION_REQUEST).isPresent();
    }
}
