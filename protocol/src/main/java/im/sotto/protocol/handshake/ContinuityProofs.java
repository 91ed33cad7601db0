package im.sotto.protocol.handshake;

import im.sotto.protocol.crypto.ConstantTime;
import im.sotto.protocol.crypto.HashAlgorithm;
import im.sotto.protocol.crypto.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

/**
 * The retained-secret proofs inside encrypted handshake payloads. Every tag is an HMAC over the handshake hash of
 * the message that carries it, so nothing repeats across sessions; missing secrets are replaced by random bytes of
 * the same length, so an observer who could read the payload still could not tell how much history there is.
 */
final class ContinuityProofs {
    static final int TAG_LENGTH = 32;
    private static final byte[] PROOF_LABEL = "Sotto v1 retained secret proof".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONFIRM_LABEL = "Sotto v1 retained secret confirm".getBytes(StandardCharsets.US_ASCII);

    private ContinuityProofs() {}

    /** The initiator's two tags: for its newest and its previous retained secret (random when absent). */
    static byte[] proof(HashAlgorithm hash, Optional<RetainedSecrets> held, byte[] transcript, SecureRandom random) {
        byte[] out = new byte[2 * TAG_LENGTH];
        random.nextBytes(out);
        held.ifPresent(rs -> {
            System.arraycopy(tag(hash, PROOF_LABEL, rs.newest(), transcript), 0, out, 0, TAG_LENGTH);
            rs.previous().ifPresent(p -> System.arraycopy(tag(hash, PROOF_LABEL, p, transcript), 0, out, TAG_LENGTH,
                    TAG_LENGTH));
        });
        return out;
    }

    /** The responder's view: the newest of its own secrets that one of the initiator's tags proves, if any. */
    static Optional<SecretBytes> match(HashAlgorithm hash, Optional<RetainedSecrets> held, byte[] proof,
            byte[] transcript) {
        if (held.isEmpty() || proof.length != 2 * TAG_LENGTH) {
            return Optional.empty();
        }
        byte[] first = Arrays.copyOfRange(proof, 0, TAG_LENGTH);
        byte[] second = Arrays.copyOfRange(proof, TAG_LENGTH, 2 * TAG_LENGTH);
        for (SecretBytes candidate : candidates(held.get())) {
            byte[] expected = tag(hash, PROOF_LABEL, candidate, transcript);
            // Evaluate both comparisons always: which slot matched must not show in the timing.
            boolean a = ConstantTime.equals(expected, first);
            boolean b = ConstantTime.equals(expected, second);
            if (a | b) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The responder's confirmation of the secret it matched (random when none). */
    static byte[] confirmation(HashAlgorithm hash, Optional<SecretBytes> matched, byte[] transcript,
            SecureRandom random) {
        if (matched.isPresent()) {
            return tag(hash, CONFIRM_LABEL, matched.get(), transcript);
        }
        byte[] filler = new byte[TAG_LENGTH];
        random.nextBytes(filler);
        return filler;
    }

    /** The initiator's view of the confirmation: which of its secrets the responder matched, if any. */
    static Optional<SecretBytes> confirmed(HashAlgorithm hash, Optional<RetainedSecrets> held, byte[] confirmation,
            byte[] transcript) {
        if (held.isEmpty()) {
            return Optional.empty();
        }
        for (SecretBytes candidate : candidates(held.get())) {
            if (ConstantTime.equals(tag(hash, CONFIRM_LABEL, candidate, transcript), confirmation)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static SecretBytes[] candidates(RetainedSecrets rs) {
        return rs.previous().map(p -> new SecretBytes[] {rs.newest(), p})
                .orElseGet(() -> new SecretBytes[] {rs.newest()});
    }

    private static byte[] tag(HashAlgorithm hash, byte[] label, SecretBytes secret, byte[] transcript) {
        return hash.hmac(secret, label, transcript);
    }
}
