package im.sotto.protocol.handshake;

import im.sotto.protocol.crypto.ConstantTime;
import im.sotto.protocol.crypto.HashAlgorithm;
import im.sotto.protocol.crypto.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The retained-secret proofs inside encrypted handshake payloads. Every tag is an HMAC over the handshake hash of
 * the message that carries it, so nothing repeats across sessions; missing secrets are replaced by random bytes of
 * the same length, so an observer who could read the payload still could not tell how much history there is.
 */
final class ContinuityProofs {
    static final int TAG_LENGTH = 32;
    private static final byte[] PROOF_LABEL = "Sotto v1 retained secret proof".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONFIRM_LABEL = "Sotto v1 retained secret confirm".getBytes(StandardCharsets.US_ASCII);

    /**
     * What a peer's proof showed: the newest of this side's secrets it proves (the one to confirm and mix in), and
     * the one in its first slot, its anchor, if this side holds it (indexes into {@link RetainedSecrets}).
     */
    record Match(int newest, Optional<Integer> anchor) {
    }

    /**
     * What a handshake taught this side about the peer's secrets, for {@link RetainedSecrets#next}: whether the
     * peer stored the new session (it sent the last message, which it does only after storing), which of this
     * side's secrets it proved or confirmed, and the oldest one it will still use.
     */
    record Evidence(boolean freshConfirmed, Set<Integer> proven, Optional<Integer> floor) {
        /** This side sent the last message and checked nothing: the new secret waits for the peer's next proof. */
        static final Evidence NONE = new Evidence(false, Set.of(), Optional.empty());

        /** From a checked proof: the proven secrets are confirmed, and the prover's anchor is a floor. */
        static Evidence of(Optional<Match> match, boolean freshConfirmed) {
            Set<Integer> proven = new java.util.HashSet<>();
            match.ifPresent(m -> {
                proven.add(m.newest());
                m.anchor().ifPresent(proven::add);
            });
            return new Evidence(freshConfirmed, proven, match.flatMap(Match::anchor));
        }
    }

    private ContinuityProofs() {}

    /**
     * The prover's two tags: for its anchor (the newest secret the peer is known to hold) and for the newest other
     * secret it holds (random when absent).
     */
    static byte[] proof(HashAlgorithm hash, Optional<RetainedSecrets> held, byte[] transcript, SecureRandom random) {
        byte[] out = new byte[2 * TAG_LENGTH];
        random.nextBytes(out);
        held.ifPresent(rs -> {
            List<SecretBytes> secrets = rs.newestFirst();
            System.arraycopy(tag(hash, PROOF_LABEL, secrets.get(rs.anchor()), transcript), 0, out, 0, TAG_LENGTH);
            rs.besideAnchor().ifPresent(i -> System.arraycopy(tag(hash, PROOF_LABEL, secrets.get(i), transcript), 0,
                    out, TAG_LENGTH, TAG_LENGTH));
        });
        return out;
    }

    /** The verifier's view: which of its own secrets the prover's tags prove, if any. */
    static Optional<Match> match(HashAlgorithm hash, Optional<RetainedSecrets> held, byte[] proof,
            byte[] transcript) {
        if (held.isEmpty() || proof.length != 2 * TAG_LENGTH) {
            return Optional.empty();
        }
        byte[] first = Arrays.copyOfRange(proof, 0, TAG_LENGTH);
        byte[] second = Arrays.copyOfRange(proof, TAG_LENGTH, 2 * TAG_LENGTH);
        List<SecretBytes> candidates = held.get().newestFirst();
        int newest = -1;
        int anchor = -1;
        // Every candidate is compared with both slots, whatever matched before: the timing shows neither which
        // secret nor which slot matched.
        for (int i = candidates.size() - 1; i >= 0; i--) {
            byte[] expected = tag(hash, PROOF_LABEL, candidates.get(i), transcript);
            boolean a = ConstantTime.equals(expected, first);
            boolean b = ConstantTime.equals(expected, second);
            newest = a | b ? i : newest;
            anchor = a ? i : anchor;
        }
        return newest < 0 ? Optional.empty()
                : Optional.of(new Match(newest, anchor < 0 ? Optional.empty() : Optional.of(anchor)));
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

    /** The initiator's view of the confirmation: the index of the secret the responder matched, if any. */
    static Optional<Integer> confirmed(HashAlgorithm hash, Optional<RetainedSecrets> held, byte[] confirmation,
            byte[] transcript) {
        if (held.isEmpty()) {
            return Optional.empty();
        }
        List<SecretBytes> candidates = held.get().newestFirst();
        int found = -1;
        for (int i = candidates.size() - 1; i >= 0; i--) {
            found = ConstantTime.equals(tag(hash, CONFIRM_LABEL, candidates.get(i), transcript), confirmation) ? i
                    : found;
        }
        return found < 0 ? Optional.empty() : Optional.of(found);
    }

    private static byte[] tag(HashAlgorithm hash, byte[] label, SecretBytes secret, byte[] transcript) {
        return hash.hmac(secret, label, transcript);
    }
}
