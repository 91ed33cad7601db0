package im.sotto.protocol.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import im.sotto.protocol.handshake.AttachedCertification;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.trust.CertificationResult;
import im.sotto.protocol.trust.OpenPgpAccountBinding;
import im.sotto.protocol.trust.RejectionReason;
import im.sotto.protocol.trust.TestPgp;
import im.sotto.protocol.trust.TestPki;
import im.sotto.protocol.trust.TrustSource;

import org.junit.jupiter.api.Test;

/**
 * An account's external trust (moved from the binding with its check): what it attaches to its handshakes, and a
 * contact's attachment certified only against what this account configured.
 */
class ExternalTrustTest {
    private static final String JID = "alice@example.org";
    /** Inside the validity of {@link TestPki}'s certificates. */
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private final AccountPublicKey alice = AccountIdentity.generate(new SecureRandom()).publicKey();

    @Test
    void anX509AttachmentIsCertifiedOnlyAgainstTheConfiguredAnchors() throws Exception {
        TestPki.Ca root = TestPki.root("CN=Sotto Test Root");
        X509Certificate certificate = root.issueAccount(alice, JID, NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(90)));
        AttachedCertification attached = ExternalTrust.builder().attachX509(List.of(certificate)).build()
                .attachment().orElseThrow();
        assertEquals(AttachedCertification.Kind.X509, attached.kind());

        CertificationResult.Certified certified = assertInstanceOf(CertificationResult.Certified.class,
                ExternalTrust.builder().x509Anchors(root.anchors()).build().verify(attached, alice, JID, NOW));
        assertEquals(TrustSource.X509, certified.method());
        assertEquals(alice, certified.accountKey());

        CertificationResult.Rejected rejected = assertInstanceOf(CertificationResult.Rejected.class,
                ExternalTrust.NONE.verify(attached, alice, JID, NOW), "no anchors configured: nothing certifies");
        assertEquals(TrustSource.X509, rejected.method());
    }

    @Test
    void anOpenPgpAttachmentWithoutAKeyringIsRejectedAsNotInKeyring() throws Exception {
        byte[] statement = OpenPgpAccountBinding.statement(JID, alice);
        TestPgp.Key key = TestPgp.generate("xmpp:" + JID, NOW.minus(Duration.ofDays(30)), 0, false);
        AttachedCertification attached = AttachedCertification.openPgp(statement,
                key.sign(statement, NOW.minus(Duration.ofDays(1))));

        CertificationResult.Rejected rejected = assertInstanceOf(CertificationResult.Rejected.class,
                ExternalTrust.NONE.verify(attached, alice, JID, NOW));
        assertEquals(TrustSource.OPENPGP, rejected.method());
        assertEquals(RejectionReason.NOT_IN_KEYRING, rejected.reason());

        assertInstanceOf(CertificationResult.Certified.class, ExternalTrust.builder().openPgpKeyring(key.keyring())
                .build().verify(attached, alice, JID, NOW), "the same attachment against the user's keyring");
    }

    @Test
    void noneAttachesNothing() {
        assertTrue(ExternalTrust.NONE.attachment().isEmpty());
    }
}
