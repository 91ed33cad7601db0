package im.sotto.protocol.handshake;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.InvalidPublicKeyException;
import im.sotto.protocol.crypto.MlKem768;
import im.sotto.protocol.crypto.MlKemEncapsulation;
import im.sotto.protocol.crypto.MlKemEncapsulationKey;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.noise.HandshakeState;
import im.sotto.protocol.noise.NoiseException;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.MalformedInputException;
import java.security.SecureRandom;
import java.util.Set;

/** The responder's side of the hybrid suite's ML-KEM-768 exchange (docs/protocol.md, the hybrid suite). */
final class ResponderKem {
    private ResponderKem() {}

    /** The initiator's ML-KEM-768 key travels in clear after the offer whenever a hybrid suite is offered. */
    static byte[] readKeyIfHybrid(ByteReader body, Set<CipherSuite> suites) throws MalformedInputException {
        if (suites.stream().noneMatch(CipherSuite::isHybrid)) {
            return new byte[0];
        }
        byte[] key = body.bytes(MlKem768.ENCAPSULATION_KEY_LENGTH);
        try {
            MlKemEncapsulationKey.fromBytes(key);
        } catch (InvalidPublicKeyException e) {
            throw new MalformedInputException("ML-KEM key fails the FIPS 203 checks");
        }
        return key;
    }

    /** In the hybrid suite: encapsulate to the initiator's key and mix the secret in before message 2. */
    static byte[] encapsulateIfHybrid(CipherSuite suite, byte[] kemKey, HandshakeState noise, SecureRandom random)
            throws NoiseException, MalformedInputException {
        if (!suite.isHybrid()) {
            return new byte[0];
        }
        MlKemEncapsulation encapsulation;
        try {
            encapsulation = MlKem768.encapsulate(MlKemEncapsulationKey.fromBytes(kemKey), random);
        } catch (InvalidPublicKeyException e) {
            throw new MalformedInputException("ML-KEM key fails the FIPS 203 checks");
        }
        SecretBytes shared = encapsulation.sharedSecret();
        try {
            noise.mixExternal(encapsulation.ciphertext(), shared);
        } finally {
            shared.wipe();
        }
        return encapsulation.ciphertext();
    }
}
