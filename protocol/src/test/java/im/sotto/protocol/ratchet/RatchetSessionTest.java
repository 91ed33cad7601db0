package im.sotto.protocol.ratchet;

import im.sotto.protocol.testing.DeterministicRandom;

import static im.sotto.protocol.ratchet.Pair.AD;
import static im.sotto.protocol.ratchet.Pair.expect;
import static im.sotto.protocol.ratchet.Pair.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.crypto.CipherSuite;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class RatchetSessionTest {

    @ParameterizedTest
    @EnumSource(CipherSuite.class)
    void conversationInBothDirections(CipherSuite suite) {
        Pair p = new Pair(suite, 1);
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 3; i++) {
                expect(p.bob, p.alice.encrypt(text("a" + round + i), AD), "a" + round + i);
            }
            for (int i = 0; i < 2; i++) {
                expect(p.alice, p.bob.encrypt(text("b" + round + i), AD), "b" + round + i);
            }
        }
        assertEquals(15, p.alice.sentCount());
        assertEquals(10, p.bob.sentCount());
        assertEquals(15, p.bob.receivedHighWater());
        assertEquals(15, p.alice.acknowledgedByPeer());
        assertEquals(List.of(), p.alice.missingFromPeer());
        assertEquals(List.of(), p.bob.missingFromPeer());
    }

    @Test
    void responderCannotSendFirst() {
        Pair p = new Pair(2);
        assertFalse(p.bob.canEncrypt());
        assertThrows(IllegalStateException.class, () -> p.bob.encrypt(text("x"), AD));
        expect(p.bob, p.alice.encrypt(text("hi"), AD), "hi");
        assertTrue(p.bob.canEncrypt());
    }

    @Test
    void countersAndAcknowledgementsAreReported() {
        Pair p = new Pair(3);
        DecryptResult.Decrypted d0 = expect(p.bob, p.alice.encrypt(text("0"), AD), "0");
        assertEquals(0, d0.sequence());
        assertEquals(0, d0.messageNumber());
        expect(p.alice, p.bob.encrypt(text("r"), AD), "r");
        DecryptResult.Decrypted d1 = expect(p.bob, p.alice.encrypt(text("1"), AD), "1");
        assertEquals(1, d1.sequence());
        assertEquals(0, d1.messageNumber()); // a new chain after the direction change
        assertEquals(1, d1.acknowledged());
        assertFalse(d1.late());
        assertEquals(List.of(), d1.newlyMissing());
    }

    @Test
    void associatedDataIsBound() {
        Pair p = new Pair(4);
        byte[] m = p.alice.encrypt(text("x"), AD);
        DecryptResult r = p.bob.decrypt(m, text("other routing"));
        assertEquals(new DecryptResult.Undecryptable(DecryptResult.Reason.BAD_AUTH_TAG), r);
        expect(p.bob, m, "x");
    }

    @Test
    void secretsNeverPrinted() {
        Pair p = new Pair(5);
        byte[] m = p.alice.encrypt(text("secret text"), AD);
        DecryptResult r = p.bob.decrypt(m, AD);
        for (Object o : new Object[] {p.alice, p.bob, r}) {
            assertFalse(o.toString().contains("secret text"), o.toString());
            assertTrue(o.toString().contains("redacted") || o instanceof DecryptResult, o.toString());
        }
    }

    @Test
    void seedsAreValidated() {
        java.security.SecureRandom r = new DeterministicRandom("seed");
        im.sotto.protocol.crypto.SecretBytes a = Pair.random(r);
        im.sotto.protocol.crypto.SecretBytes b = Pair.random(r);
        im.sotto.protocol.crypto.SecretBytes c = Pair.random(r);
        byte[] lowOrder = new byte[32]; // the all-zero point: every DH with it is zero
        assertThrows(im.sotto.protocol.crypto.InvalidPublicKeyException.class, () -> RatchetSession.initiator(
                CipherSuite.X25519_AESGCM_SHA256, a, lowOrder, b, c, r, java.time.Clock.systemUTC()));
        assertThrows(IllegalArgumentException.class,
                () -> RatchetInit.forInitiator(CipherSuite.X25519_AESGCM_SHA256, a, new byte[31], b, c));
        assertThrows(IllegalArgumentException.class,
                () -> RatchetInit.forInitiator(CipherSuite.X25519_AESGCM_SHA256, a, new byte[32], b, b));
        assertThrows(IllegalArgumentException.class,
                () -> RatchetInit.forInitiator(CipherSuite.X25519_AESGCM_SHA256, a, new byte[32], a, c));
        RatchetInit ok = RatchetInit.forInitiator(CipherSuite.X25519_AESGCM_SHA256, a, new byte[32], b, c);
        assertFalse(ok.toString().contains(java.util.HexFormat.of().formatHex(a.reveal())));
    }

    @Test
    void callerSecretsAreCopiedNotWiped() throws Exception {
        java.security.SecureRandom r = new DeterministicRandom("copy");
        im.sotto.protocol.crypto.SecretBytes root = Pair.random(r);
        im.sotto.protocol.crypto.SecretBytes hka = Pair.random(r);
        im.sotto.protocol.crypto.SecretBytes nhkb = Pair.random(r);
        im.sotto.protocol.crypto.X25519KeyPair bobKey = im.sotto.protocol.crypto.X25519KeyPair.generate(r);
        byte[][] originals = {root.reveal(), hka.reveal(), nhkb.reveal(), bobKey.privateKey().reveal()};
        java.time.Clock clock = java.time.Clock.systemUTC();
        RatchetSession alice = RatchetSession.initiator(CipherSuite.X25519_AESGCM_SHA256, root, bobKey.publicKey(),
                hka, nhkb, new DeterministicRandom("a"), clock);
        RatchetInit bobSeed = RatchetInit.forResponder(CipherSuite.X25519_AESGCM_SHA256, root, bobKey, nhkb, hka);
        RatchetSession bob = RatchetSession.start(bobSeed, new DeterministicRandom("b"), clock);
        for (int i = 0; i < 3; i++) {
            expect(bob, alice.encrypt(text("a"), AD), "a");
            expect(alice, bob.encrypt(text("b"), AD), "b");
        }
        // Committed steps wipe what the sessions stop using, never what the caller handed in.
        assertArrayEquals(originals[0], root.reveal());
        assertArrayEquals(originals[1], hka.reveal());
        assertArrayEquals(originals[2], nhkb.reveal());
        assertArrayEquals(originals[3], bobKey.privateKey().reveal());
        // The seed object stays usable too (a store may retry a session start from it).
        RatchetSession alice2 = RatchetSession.initiator(CipherSuite.X25519_AESGCM_SHA256, root, bobKey.publicKey(),
                hka, nhkb, new DeterministicRandom("a2"), clock);
        RatchetSession bob2 = RatchetSession.start(bobSeed, new DeterministicRandom("b2"), clock);
        expect(bob2, alice2.encrypt(text("again"), AD), "again");
    }

    @Test
    void emptyAndMaximalPlaintexts() {
        Pair p = new Pair(6);
        expect(p.bob, p.alice.encrypt(new byte[0], AD), "");
        byte[] big = new byte[RatchetLimits.MAX_PLAINTEXT_LENGTH];
        DecryptResult.Decrypted d = assertInstanceOf(DecryptResult.Decrypted.class,
                p.bob.decrypt(p.alice.encrypt(big, AD), AD));
        assertArrayEquals(big, d.plaintext());
        assertThrows(IllegalArgumentException.class,
                () -> p.alice.encrypt(new byte[RatchetLimits.MAX_PLAINTEXT_LENGTH + 1], AD));
    }
}
