package im.sotto.protocol.trust;

import static im.sotto.protocol.trust.TestPki.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.AccountPublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class X509AccountBindingTest {
    private static final String JID = "alice@example.org";
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private final SecureRandom random = new SecureRandom();
    private final AccountPublicKey alice = AccountIdentity.generate(random).publicKey();

    private static CertificationResult.Rejected rejected(CertificationResult r, RejectionReason expected) {
        CertificationResult.Rejected rej = assertInstanceOf(CertificationResult.Rejected.class, r, r.toString());
        assertEquals(expected, rej.reason(), rej.detail());
        assertEquals(TrustSource.X509, rej.method());
        return rej;
    }

    /** A rejection applied to a pinned contact leaves it exactly as it was. */
    private void neverRaises(CertificationResult r) throws Exception {
        ContactTrust pinned = ContactTrust.onFirstContact(JID, alice, CLOCK);
        assertEquals(pinned, pinned.applyCertification(r, CLOCK));
        assertEquals(TrustLevel.UNVERIFIED, pinned.applyCertification(r, CLOCK).level(CLOCK));
    }

    @Test
    void validChainThroughAnIntermediateWithCrlsCertifies() throws Exception {
        TestPki.Ca root = TestPki.root("CN=Sotto Test Root");
        TestPki.Ca intermediate = root.intermediate("CN=Sotto Test Intermediate");
        X509Certificate ee = intermediate.issueAccount(alice, JID);
        List<X509CRL> crls = List.of(root.crl(), intermediate.crl());
        byte[] der = X509AccountBinding.encodeChain(List.of(ee, intermediate.certificate, root.certificate));

        CertificationResult r = X509AccountBinding.verify(der, alice, "Alice@Example.ORG", root.anchors(), NOW,
                Optional.of(crls));

        CertificationResult.Certified c = assertInstanceOf(CertificationResult.Certified.class, r, r.toString());
        assertEquals(TrustSource.X509, c.method());
        assertEquals(alice, c.accountKey());
        assertEquals(BareJid.parse(JID), c.jid());
        assertEquals("CN=alice@example.org", c.subject());
        assertEquals("CN=Sotto Test Intermediate", c.issuer());
        assertEquals(ee.getNotAfter().toInstant(), c.notAfter());
        assertTrue(c.revocationChecked());
        ContactTrust certified = ContactTrust.onFirstContact(JID, alice, CLOCK).applyCertification(r, CLOCK);
        assertEquals(TrustLevel.CERTIFIED, certified.level(CLOCK));
        assertEquals(TrustSource.X509, certified.source(CLOCK));
    }

    @Test
    void withoutCrlsTheResultSaysRevocationWasNotChecked() throws Exception {
        TestPki.Ca root = TestPki.root("CN=Root");
        CertificationResult r = X509AccountBinding.verify(List.of(root.issueAccount(alice, JID)), alice, JID,
                root.anchors(), NOW, Optional.empty());
        assertFalse(assertInstanceOf(CertificationResult.Certified.class, r).revocationChecked());
    }

    @Test
    void expiredCertificateIsRejectedAsExpired() throws Exception {
        TestPki.Ca root = TestPki.root("CN=Root");
        X509Certificate ee = root.issueAccount(alice, JID, NOW.minus(Duration.ofDays(100)),
                NOW.minus(Duration.ofDays(10)));
        CertificationResult r = X509AccountBinding.verify(List.of(ee), alice, JID, root.anchors(), NOW,
                Optional.empty());
        rejected(r, RejectionReason.EXPIRED);
        neverRaises(r);
    }

    @Test
    void notYetValidCertificateIsRejectedAsNotYetValid() throws Exception {
        TestPki.Ca root = TestPki.root("CN=Root");
        X509Certificate ee = root.issueAccount(alice, JID, NOW.plus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(10)));
        CertificationResult r = X509AccountBinding.verify(List.of(ee), alice, JID, root.anchors(), NOW,
                Optional.empty());
        rejected(r, RejectionReason.NOT_YET_VALID);
        neverRaises(r);
    }

    @Test
    void certificateForAnotherJidIsRejectedAsWrongJid() throws Exception {
        TestPki.Ca root = TestPki.root("CN=Root");
        CertificationResult r = X509AccountBinding.verify(List.of(root.issueAccount(alice, "mallory@example.org")),
                alice, JID, root.anchors(), NOW, Optional.empty());
        rejected(r, RejectionReason.WRONG_JID);
        neverRaises(r);
    }

    @Test
    void fullJidOrDomainInXmppAddrNamesNoAccount() throws Exception {
        TestPki.Ca root = TestPki.root("CN=Root");
        for (String name : List.of("alice@example.org/laptop", "example.org")) {
            rejected(X509AccountBinding.verify(List.of(root.issueAccount(alice, name)), alice, JID, root.anchors(),
                    NOW, Optional.empty()), RejectionReason.WRONG_JID);
        }
    }

    @Test
    void certificateForAnotherKeyIsRejectedAsWrongKey() throws Exception {
        TestPki.Ca root = TestPki.root("CN=Root");
        AccountPublicKey mallory = AccountIdentity.generate(random).publicKey();
        CertificationResult r = X509AccountBinding.verify(List.of(root.issueAccount(mallory, JID)), alice, JID,
                root.anchors(), NOW, Optional.empty());
        rejected(r, RejectionReason.WRONG_KEY);
        neverRaises(r);
    }

    @Test
    void nonEd25519SubjectKeyIsRejectedAsWrongKey() throws Exception {
        TestPki.Ca root = TestPki.root("CN=Root");
        rejected(X509AccountBinding.verify(List.of(root.intermediate("CN=Not An Account").certificate), alice, JID,
                root.anchors(), NOW, Optional.empty()), RejectionReason.WRONG_KEY);
    }

    @Test
    void chainToAnotherRootIsRejectedAsUntrustedAnchor() throws Exception {
        TestPki.Ca trusted = TestPki.root("CN=Trusted Root");
        TestPki.Ca other = TestPki.root("CN=Other Root");
        CertificationResult r = X509AccountBinding.verify(List.of(other.issueAccount(alice, JID)), alice, JID,
                trusted.anchors(), NOW, Optional.empty());
        rejected(r, RejectionReason.UNTRUSTED_ANCHOR);
        neverRaises(r);
        rejected(X509AccountBinding.verify(List.of(other.issueAccount(alice, JID)), alice, JID,
                java.util.Set.of(), NOW, Optional.empty()), RejectionReason.UNTRUSTED_ANCHOR);
    }

    @Test
    void sameNamedImpostorRootIsNotTrusted() throws Exception {
        TestPki.Ca trusted = TestPki.root("CN=Root");
        TestPki.Ca impostor = TestPki.root("CN=Root");
        CertificationResult r = X509AccountBinding.verify(List.of(impostor.issueAccount(alice, JID)), alice, JID,
                trusted.anchors(), NOW, Optional.empty());
        CertificationResult.Rejected rej = assertInstanceOf(CertificationResult.Rejected.class, r);
        assertTrue(rej.reason() == RejectionReason.BAD_SIGNATURE || rej.reason() == RejectionReason.UNTRUSTED_ANCHOR,
                rej.toString());
        neverRaises(r);
    }

    @Test
    void revokedCertificateIsRejectedAsRevoked() throws Exception {
        TestPki.Ca root = TestPki.root("CN=Root");
        TestPki.Ca intermediate = root.intermediate("CN=Intermediate");
        X509Certificate ee = intermediate.issueAccount(alice, JID);
        CertificationResult r = X509AccountBinding.verify(List.of(ee, intermediate.certificate), alice, JID,
                root.anchors(), NOW, Optional.of(List.of(root.crl(), intermediate.crl(ee))));
        rejected(r, RejectionReason.REVOKED);
        neverRaises(r);
    }

    @Test
    void revokedIntermediateIsRejectedAsRevoked() throws Exception {
        TestPki.Ca root = TestPki.root("CN=Root");
        TestPki.Ca intermediate = root.intermediate("CN=Intermediate");
        X509Certificate ee = intermediate.issueAccount(alice, JID);
        rejected(X509AccountBinding.verify(List.of(ee, intermediate.certificate), alice, JID, root.anchors(), NOW,
                Optional.of(List.of(root.crl(intermediate.certificate), intermediate.crl()))), RejectionReason.REVOKED);
    }

    @Test
    void suppliedCrlsThatMissAnIssuerLeaveRevocationUnknown() throws Exception {
        TestPki.Ca root = TestPki.root("CN=Root");
        TestPki.Ca intermediate = root.intermediate("CN=Intermediate");
        X509Certificate ee = intermediate.issueAccount(alice, JID);
        CertificationResult r = X509AccountBinding.verify(List.of(ee, intermediate.certificate), alice, JID,
                root.anchors(), NOW, Optional.of(List.of(root.crl())));
        rejected(r, RejectionReason.REVOCATION_UNKNOWN);
        neverRaises(r);
    }

    @Test
    void alteredSignatureIsRejectedAsBadSignature() throws Exception {
        TestPki.Ca root = TestPki.root("CN=Root");
        byte[] der = root.issueAccount(alice, JID).getEncoded();
        der[der.length - 5] ^= 0x01;
        CertificationResult r = X509AccountBinding.verify(der, alice, JID, root.anchors(), NOW, Optional.empty());
        rejected(r, RejectionReason.BAD_SIGNATURE);
        neverRaises(r);
    }

    @Test
    void garbageTruncatedOrTrailingBytesAreMalformed() throws Exception {
        TestPki.Ca root = TestPki.root("CN=Root");
        byte[] good = root.issueAccount(alice, JID).getEncoded();
        List<byte[]> bad = List.of(new byte[0], "not a certificate".getBytes(), new byte[] {0x30, (byte) 0x84, 0, 0},
                Arrays.copyOf(good, good.length - 1), Arrays.copyOf(good, good.length + 1),
                new byte[X509AccountBinding.MAX_CHAIN_BYTES + 1]);
        for (byte[] b : bad) {
            CertificationResult r = X509AccountBinding.verify(b, alice, JID, root.anchors(), NOW, Optional.empty());
            rejected(r, RejectionReason.MALFORMED);
            neverRaises(r);
        }
        byte[] five = new byte[good.length * 5];
        for (int i = 0; i < 5; i++) {
            System.arraycopy(good, 0, five, i * good.length, good.length);
        }
        rejected(X509AccountBinding.verify(five, alice, JID, root.anchors(), NOW, Optional.empty()),
                RejectionReason.MALFORMED);
    }

    @Test
    void everySingleByteChangeIsRejected() throws Exception {
        TestPki.Ca root = TestPki.root("CN=Root");
        byte[] good = root.issueAccount(alice, JID).getEncoded();
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x20;
            CertificationResult r = X509AccountBinding.verify(bad, alice, JID, root.anchors(), NOW, Optional.empty());
            assertInstanceOf(CertificationResult.Rejected.class, r, "byte " + i + " changed yet certified");
        }
    }

    @Test
    void expiredIntermediateIsRejectedAsExpired() throws Exception {
        TestPki.Ca root = TestPki.root("CN=Root");
        TestPki.Ca intermediate = root.intermediate("CN=Intermediate");
        X509Certificate ee = intermediate.issueAccount(alice, JID, NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(2000)));
        Instant later = NOW.plus(Duration.ofDays(800));
        rejected(X509AccountBinding.verify(List.of(ee, intermediate.certificate), alice, JID, root.anchors(), later,
                Optional.empty()), RejectionReason.EXPIRED);
    }
}
