package im.sotto.protocol.ratchet;

import im.sotto.protocol.testing.DeterministicRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.InvalidPublicKeyException;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;

/** Two sessions, as a handshake would leave them, sharing one test clock. */
final class Pair {
    static final byte[] AD = "alice@example.org/a|bob@example.org/b".getBytes(StandardCharsets.UTF_8);

    final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    RatchetSession alice;
    RatchetSession bob;

    Pair(CipherSuite suite, long seed) {
        SecureRandom setup = new DeterministicRandom("setup " + seed);
        SecretBytes root = random(setup);
        SecretBytes hka = random(setup);
        SecretBytes nhkb = random(setup);
        X25519KeyPair bobKey = X25519KeyPair.generate(setup);
        try {
            alice = RatchetSession.initiator(suite, root, bobKey.publicKey(), hka, nhkb,
                    new DeterministicRandom("alice " + seed), clock);
        } catch (InvalidPublicKeyException e) {
            throw new AssertionError(e);
        }
        bob = RatchetSession.responder(suite, root, bobKey, nhkb, hka, new DeterministicRandom("bob " + seed), clock);
    }

    Pair(long seed) {
        this(CipherSuite.X25519_AESGCM_SHA256, seed);
    }

    static SecretBytes random(SecureRandom r) {
        byte[] b = new byte[32];
        r.nextBytes(b);
        return SecretBytes.copyOf(b);
    }

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Decrypts and asserts the plaintext; returns the result. */
    static DecryptResult.Decrypted expect(RatchetSession to, byte[] message, String plaintext) {
        DecryptResult r = to.decrypt(message, AD);
        DecryptResult.Decrypted d = assertInstanceOf(DecryptResult.Decrypted.class, r, () -> "got " + r);
        assertEquals(plaintext, new String(d.plaintext(), StandardCharsets.UTF_8));
        return d;
    }

    /** Reloads both sessions from their records. */
    void reload() throws RatchetRecordException {
        alice = RatchetSession.fromRecord(alice.toRecord(), new DeterministicRandom("alice reloaded " + alice.sentCount()), clock);
        bob = RatchetSession.fromRecord(bob.toRecord(), new DeterministicRandom("bob reloaded " + bob.sentCount()), clock);
    }
}
