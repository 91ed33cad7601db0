package im.sotto.protocol.handshake;

import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.noise.HandshakeState;
import im.sotto.protocol.noise.NoiseException;
import im.sotto.protocol.pake.CPace;
import java.security.SecureRandom;

/**
 * The initiator's side of the optional password exchange (CPace, docs/protocol.md 4.12): a share in message 1, bound
 * to that message's ephemeral key, and the responder's share and confirmation checked and mixed into the handshake
 * before message 2 is read.
 */
final class InitiatorPassword {
    private byte[] password;
    private CPace pake;

    void set(byte[] value) {
        if (value == null || value.length == 0) {
            throw new IllegalArgumentException("an empty password is no password");
        }
        password = value.clone();
    }

    boolean isSet() {
        return password != null;
    }

    /** The CPace share for message 1's frame when a password is set (empty otherwise). */
    byte[] share(X25519KeyPair ephemeral, SecureRandom random) {
        if (password == null) {
            return new byte[0];
        }
        pake = PasswordExchange.initiator(password, ephemeral.publicKey(), random);
        return PasswordExchange.frameField(pake);
    }

    /** Checks the responder's confirmation and mixes the shared secret in; a mismatch fails the handshake. */
    void complete(byte[] responderShare, byte[] confirmation, HandshakeState noise)
            throws HandshakeException, NoiseException {
        if (password != null) {
            PasswordExchange.complete(pake, responderShare, confirmation, noise);
        }
    }
}
