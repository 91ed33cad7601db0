package im.sotto.protocol.trust;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.AccountPublicKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OpenPgpAccountBindingTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Instant CREATED = NOW.minus(Duration.ofDays(30));
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String JID = "alice@example.org";
    private static final AccountPublicKey ALICE = AccountIdentity.generate(new SecureRandom()).publicKey();
    private static final byte[] STATEMENT = OpenPgpAccountBinding.statement(JID, ALICE);
    private static TestPgp.Key aliceKey;

    @BeforeAll
    static void keys() throws Exception {
        aliceKey = TestPgp.generate("xmpp:" + JID, CREATED, 0, true);
    }

    private static CertificationResult verify(byte[] statement, byte[] signature, PGPPublicKeyRingCollection ring) {
        return OpenPgpAccountBinding.verify(statement, signature, ALICE, JID, ring, NOW);
    }

    private static void rejected(CertificationResult r, RejectionReason expected) throws Exception {
        CertificationResult.Rejected rej = assertInstanceOf(CertificationResult.Rejected.class, r, r.toString());
        assertEquals(expected, rej.reason(), rej.detail());
        assertEquals(TrustSource.OPENPGP, rej.method());
        ContactTrust pinned = ContactTrust.onFirstContact(JID, ALICE, CLOCK);
        assertEquals(pinned, pinned.applyCertification(r, CLOCK), "a rejection never changes trust");
    }

    @Test
    void statementIsLabelThenCanonicalJidThenKey() {
        byte[] s = OpenPgpAccountBinding.statement("Alice@EXAMPLE.org", ALICE);
        byte[] label = "Sotto v1 account binding".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(label, Arrays.copyOf(s, 24));
        assertEquals(JID, new String(s, 24, s.length - 24 - 32, StandardCharsets.UTF_8));
        assertArrayEquals(ALICE.bytes(), Arrays.copyOfRange(s, s.length - 32, s.length));
        assertEquals("536f74746f207631206163636f756e742062696e64696e67", HexFormat.of().formatHex(label));
    }

    @Test
    void bindingSignedByThePrimaryKeyCertifies() throws Exception {
        CertificationResult r = verify(STATEMENT, aliceKey.sign(STATEMENT, NOW.minus(Duration.ofDays(1))),
                aliceKey.keyring());
        CertificationResult.Certified c = assertInstanceOf(CertificationResult.Certified.class, r, r.toString());
        assertEquals(TrustSource.OPENPGP, c.method());
        assertEquals(ALICE, c.accountKey());
        assertEquals("xmpp:" + JID, c.subject());
        assertEquals(HexFormat.of().formatHex(aliceKey.primaryPublic().getFingerprint()), c.issuer());
        assertEquals(NOW.plus(ContactTrust.MAX_CERTIFICATION_AGE), c.notAfter(), "no expiry: rechecked in a year");
        ContactTrust t = ContactTrust.onFirstContact(JID, ALICE, CLOCK).applyCertification(r, CLOCK);
        assertEquals(TrustLevel.CERTIFIED, t.level(CLOCK));
        assertEquals(TrustSource.OPENPGP, t.source(CLOCK));
    }

    @Test
    void bindingSignedByABoundSigningSubkeyCertifies() throws Exception {
        CertificationResult r = verify(STATEMENT, aliceKey.signWithSubkey(STATEMENT, NOW.minus(Duration.ofDays(1))),
                aliceKey.keyring());
        assertInstanceOf(CertificationResult.Certified.class, r, r.toString());
    }

    @Test
    void expiringKeyLimitsTheCertification() throws Exception {
        TestPgp.Key k = TestPgp.generate("xmpp:" + JID, CREATED, Duration.ofDays(60).toSeconds(), false);
        CertificationResult r = verify(STATEMENT, k.sign(STATEMENT, NOW), k.keyring());
        assertEquals(CREATED.plus(Duration.ofDays(60)),
                assertInstanceOf(CertificationResult.Certified.class, r, r.toString()).notAfter());
    }

    @Test
    void expiredKeyIsRejectedAsExpiredKey() throws Exception {
        TestPgp.Key k = TestPgp.generate("xmpp:" + JID, CREATED, Duration.ofDays(10).toSeconds(), false);
        rejected(verify(STATEMENT, k.sign(STATEMENT, CREATED.plus(Duration.ofDays(1))), k.keyring()),
                RejectionReason.EXPIRED_KEY);
    }

    @Test
    void revokedKeyIsRejectedAsRevokedKey() throws Exception {
        TestPgp.Key k = TestPgp.generate("xmpp:" + JID, CREATED, 0, false);
        byte[] sig = k.sign(STATEMENT, NOW.minus(Duration.ofDays(2)));
        k.revoke(NOW.minus(Duration.ofDays(1)));
        rejected(verify(STATEMENT, sig, k.keyring()), RejectionReason.REVOKED_KEY);
    }

    @Test
    void statementForAnotherJidIsRejectedAsWrongJid() throws Exception {
        byte[] other = OpenPgpAccountBinding.statement("mallory@example.org", ALICE);
        rejected(verify(other, aliceKey.sign(other, NOW), aliceKey.keyring()), RejectionReason.WRONG_JID);
    }

    @Test
    void keyWithoutTheXmppUserIdIsRejectedAsWrongJid() throws Exception {
        for (String uid : List.of("xmpp:bob@example.org", "Alice <alice@example.org>", "xmpp:alice@example.org/pc")) {
            TestPgp.Key k = TestPgp.generate(uid, CREATED, 0, false);
            rejected(verify(STATEMENT, k.sign(STATEMENT, NOW), k.keyring()), RejectionReason.WRONG_JID);
        }
    }

    @Test
    void xmppUserIdCertifiedOnlyBySomeoneElseIsRejectedAsWrongJid() throws Exception {
        TestPgp.Key k = TestPgp.generate("xmpp:bob@example.org", CREATED, 0, false);
        TestPgp.Key other = TestPgp.generate("xmpp:mallory@example.org", CREATED, 0, false);
        k.addUserId("xmpp:" + JID, other, NOW.minus(Duration.ofDays(1)));
        rejected(verify(STATEMENT, k.sign(STATEMENT, NOW), k.keyring()), RejectionReason.WRONG_JID);
        k.addUserId("xmpp:" + JID, k, NOW.minus(Duration.ofDays(1)));
        assertInstanceOf(CertificationResult.Certified.class, verify(STATEMENT, k.sign(STATEMENT, NOW), k.keyring()),
                "control: the same user id self-certified is accepted");
    }

    @Test
    void statementForAnotherKeyIsRejectedAsWrongKey() throws Exception {
        byte[] other = OpenPgpAccountBinding.statement(JID, AccountIdentity.generate(new SecureRandom()).publicKey());
        rejected(verify(other, aliceKey.sign(other, NOW), aliceKey.keyring()), RejectionReason.WRONG_KEY);
    }

    @Test
    void signatureByAKeyOutsideTheKeyringIsRejectedAsNotInKeyring() throws Exception {
        TestPgp.Key stranger = TestPgp.generate("xmpp:" + JID, CREATED, 0, false);
        rejected(verify(STATEMENT, stranger.sign(STATEMENT, NOW), aliceKey.keyring()),
                RejectionReason.NOT_IN_KEYRING);
    }

    @Test
    void signatureOverOtherBytesOrAlteredIsRejectedAsBadSignature() throws Exception {
        byte[] other = OpenPgpAccountBinding.statement("mallory@example.org", ALICE);
        rejected(verify(STATEMENT, aliceKey.sign(other, NOW), aliceKey.keyring()), RejectionReason.BAD_SIGNATURE);
        byte[] sig = aliceKey.sign(STATEMENT, NOW);
        sig[sig.length - 3] ^= 0x01;
        rejected(verify(STATEMENT, sig, aliceKey.keyring()), RejectionReason.BAD_SIGNATURE);
    }

    @Test
    void expiredOrFutureSignatureIsRejected() throws Exception {
        byte[] expired = TestPgp.sign(STATEMENT, NOW.minus(Duration.ofDays(3)), aliceKey.primaryPublic(),
                aliceKey.primary.getPrivateKey(), HashAlgorithmTags.SHA256, Duration.ofDays(1).toSeconds());
        rejected(verify(STATEMENT, expired, aliceKey.keyring()), RejectionReason.EXPIRED);
        rejected(verify(STATEMENT, aliceKey.sign(STATEMENT, NOW.plus(Duration.ofHours(1))), aliceKey.keyring()),
                RejectionReason.NOT_YET_VALID);
    }

    @Test
    void sha1SignatureIsRejectedAsWeakAlgorithm() throws Exception {
        byte[] sig = TestPgp.sign(STATEMENT, NOW, aliceKey.primaryPublic(), aliceKey.primary.getPrivateKey(),
                HashAlgorithmTags.SHA1, 0);
        rejected(verify(STATEMENT, sig, aliceKey.keyring()), RejectionReason.WEAK_ALGORITHM);
    }

    @Test
    void garbageTruncatedOrTrailingInputIsMalformed() throws Exception {
        byte[] sig = aliceKey.sign(STATEMENT, NOW);
        byte[] twice = new byte[sig.length * 2];
        System.arraycopy(sig, 0, twice, 0, sig.length);
        System.arraycopy(sig, 0, twice, sig.length, sig.length);
        for (byte[] bad : List.of(new byte[0], "garbage".getBytes(StandardCharsets.US_ASCII),
                Arrays.copyOf(sig, sig.length - 1), Arrays.copyOf(sig, sig.length + 1), twice,
                new byte[OpenPgpAccountBinding.MAX_SIGNATURE_BYTES + 1])) {
            rejected(verify(STATEMENT, bad, aliceKey.keyring()), RejectionReason.MALFORMED);
        }
        for (byte[] bad : List.of(new byte[0], Arrays.copyOf(STATEMENT, 30),
                "Sotto v2 account binding".getBytes(StandardCharsets.US_ASCII))) {
            rejected(verify(bad, sig, aliceKey.keyring()), RejectionReason.MALFORMED);
        }
        // One more byte shifts the key into the JID: depending on the key's first byte the JID is invalid
        // (malformed) or another one (wrong JID); either way it is rejected.
        CertificationResult longer = verify(Arrays.copyOf(STATEMENT, STATEMENT.length + 1), sig, aliceKey.keyring());
        RejectionReason reason = assertInstanceOf(CertificationResult.Rejected.class, longer).reason();
        assertTrue(reason == RejectionReason.MALFORMED || reason == RejectionReason.WRONG_JID, reason.toString());
        byte[] upper = OpenPgpAccountBinding.statement(JID, ALICE);
        upper[24] = 'A';
        rejected(verify(upper, aliceKey.sign(upper, NOW), aliceKey.keyring()), RejectionReason.MALFORMED);
    }

    @Test
    void statementRejectsAnythingButABareJid() {
        assertThrows(IllegalArgumentException.class, () -> OpenPgpAccountBinding.statement("example.org", ALICE));
        assertThrows(IllegalArgumentException.class, () -> OpenPgpAccountBinding.statement("a@b/c", ALICE));
        assertTrue(OpenPgpAccountBinding.MAX_STATEMENT_BYTES > STATEMENT.length);
    }
}
