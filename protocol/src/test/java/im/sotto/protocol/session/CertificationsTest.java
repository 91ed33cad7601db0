package im.sotto.protocol.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.protocol.trust.BareJid;
import im.sotto.protocol.trust.CertificationResult;
import im.sotto.protocol.trust.ContactTrust;
import im.sotto.protocol.trust.RejectionReason;
import im.sotto.protocol.trust.TrustSource;

import org.junit.jupiter.api.Test;

/** Applying a checked certification to a contact's trust (the certified path runs in {@code CertificationIT}). */
class CertificationsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T08:00:00Z"), ZoneOffset.UTC);
    private static final BareJid BOB = BareJid.parse("bob@example.org");

    /** A certification the binding's check rejected is reported with its reason and leaves the trust record as is. */
    @Test
    void aRejectedCertificationIsReportedAndChangesNoTrust() {
        InMemoryAccountStore store = new InMemoryAccountStore();
        ContactTrust pinned = ContactTrust.onFirstContact(BOB.toString(),
                AccountIdentity.generate(new SecureRandom()).publicKey(), CLOCK);
        store.transact(s -> {
            TrustRecords.store(s, BOB, pinned);
            return null;
        });
        byte[] before = store.transact(s -> s.identities().peerTrust(BOB.toString())).orElseThrow();
        CertificationResult rejected = new CertificationResult.Rejected(TrustSource.X509, RejectionReason.WRONG_KEY,
                "the certificate names another key");
        Optional<Certifications.Outcome> outcome = store.transact(s -> Certifications.apply(s, BOB, rejected, CLOCK));
        assertEquals(Optional.of(new Certifications.Rejected(TrustSource.X509, RejectionReason.WRONG_KEY,
                "the certificate names another key")), outcome);
        assertArrayEquals(before, store.transact(s -> s.identities().peerTrust(BOB.toString())).orElseThrow());
    }
}
