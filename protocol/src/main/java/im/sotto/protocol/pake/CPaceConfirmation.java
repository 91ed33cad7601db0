package im.sotto.protocol.pake;

import im.sotto.protocol.crypto.ConstantTime;
import im.sotto.protocol.crypto.HashAlgorithm;
import im.sotto.protocol.crypto.SecretBytes;
import java.nio.charset.StandardCharsets;

/**
 * Explicit key confirmation for CPace inside Sotto's handshake: the responder proves it derived the same ISK, bound
 * to the handshake transcript, before the initiator uses the key for anything. A wrong password then fails as
 * "password mismatch" at once; the tag reveals nothing that allows testing other passwords offline, since the ISK
 * depends on a Diffie-Hellman result no attacker can compute for a password it did not use.
 */
public final class CPaceConfirmation {
    public static final int TAG_LENGTH = 32;
    private static final byte[] LABEL = "Sotto v1 password confirm".getBytes(StandardCharsets.US_ASCII);

    private CPaceConfirmation() {}

    public static byte[] responderTag(SecretBytes isk, byte[] transcript) {
        return HashAlgorithm.SHA256.hmac(isk, LABEL, transcript);
    }

    public static boolean verifyResponderTag(SecretBytes isk, byte[] transcript, byte[] tag) {
        return tag.length == TAG_LENGTH && ConstantTime.equals(responderTag(isk, transcript), tag);
    }
}
