package im.sotto.protocol.handshake;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.wire.ByteWriter;
import java.security.SecureRandom;
import java.util.Set;

/**
 * What every message 1 (full, retried or known-peer) is made of besides its offer and Noise part: a fresh ephemeral
 * key, the ML-KEM key when a hybrid suite may be chosen, and the password share when a password is set. The same
 * fields go into the negotiation bytes hashed into the prologue and into the frame sent.
 */
record InitiatorOpening(X25519KeyPair ephemeral, byte[] kemKey, byte[] share) {
    /** Made in this order (ephemeral, KEM key, share) so a seeded random gives the same bytes as the vectors. */
    static InitiatorOpening fresh(Set<CipherSuite> suites, InitiatorKemKey kem, InitiatorPassword password,
            SecureRandom random) {
        X25519KeyPair ephemeral = X25519KeyPair.generate(random);
        byte[] kemKey = kem.fresh(suites, random);
        return new InitiatorOpening(ephemeral, kemKey, password.share(ephemeral, random));
    }

    /** The negotiation bytes bound into every candidate's prologue. */
    byte[] negotiation(Frame.Type type, byte[] offered) {
        return new ByteWriter().u8(type.code).bytes(offered).bytes(kemKey).bytes(share).toByteArray();
    }

    /** The frame on the wire. */
    byte[] frame(Frame.Type type, byte[] offered, byte[] noiseMessage) {
        return Frame.start(type).bytes(offered).bytes(kemKey).bytes(share).bytes(noiseMessage).toByteArray();
    }
}
