package im.sotto.protocol.handshake;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.InvalidCiphertextException;
import im.sotto.protocol.crypto.MlKemKeyPair;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.noise.HandshakeState;
import im.sotto.protocol.noise.NoiseException;
import java.security.SecureRandom;
import java.util.Set;

/**
 * The initiator's one-time ML-KEM-768 key of the hybrid suite: made for each message 1 that may select a hybrid
 * suite, used once to decapsulate the responder's ciphertext, and wiped right after (or when the handshake fails).
 */
final class InitiatorKemKey {
    private MlKemKeyPair keyPair;

    /** A fresh key when {@code suites} has a hybrid one (its encapsulation key for the frame); nothing otherwise. */
    byte[] fresh(Set<CipherSuite> suites, SecureRandom random) {
        wipe();
        if (suites.stream().noneMatch(CipherSuite::isHybrid)) {
            return new byte[0];
        }
        keyPair = MlKemKeyPair.generate(random);
        return keyPair.encapsulationKey().toBytes();
    }

    /** In the hybrid suite the responder's KEM ciphertext and shared secret are mixed in before message 2. */
    void mixInto(HandshakeState noise, CipherSuite selected, byte[] ciphertext)
            throws NoiseException, HandshakeException {
        if (!selected.isHybrid()) {
            return;
        }
        if (keyPair == null) {
            throw new HandshakeException(HandshakeException.Kind.DOWNGRADE, "hybrid suite selected but not offered");
        }
        SecretBytes shared;
        try {
            shared = keyPair.decapsulate(ciphertext);
        } catch (InvalidCiphertextException e) {
            throw new HandshakeException(HandshakeException.Kind.MALFORMED, e.getMessage());
        } finally {
            wipe();
        }
        try {
            noise.mixExternal(ciphertext, shared);
        } finally {
            shared.wipe();
        }
    }

    void wipe() {
        if (keyPair != null) {
            keyPair.wipe();
            keyPair = null;
        }
    }
}
