package im.sotto.protocol.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.trust.PeerDecision.Outcome;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ContactTrustTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final String BOB = "bob@example.org";
    private final SecureRandom random = new SecureRandom();
    private final AccountIdentity bob = AccountIdentity.generate(random);
    private final AccountIdentity mallory = AccountIdentity.generate(random);

    private static Clock at(Instant t) {
        return Clock.fixed(t, ZoneOffset.UTC);
    }

    private static final Clock CLOCK = at(T0);

    private DeviceCertificate device(AccountIdentity account, long id) {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return account.certify(id, key, Set.of(1), Set.of(1), T0.minus(Duration.ofDays(1)), T0.plus(Duration.ofDays(365)));
    }

    private static CertificationResult.Certified certified(AccountPublicKey key, String jid, Instant notAfter) {
        return new CertificationResult.Certified(TrustSource.X509, BareJid.parse(jid), key, "CN=" + jid, "CN=CA",
                notAfter, true);
    }

    @Test
    void aBrokenContinuityWithdrawsTheVerificationAndPendingDevicesStayPending() throws Exception {
        ContactTrust verified = ContactTrust.onFirstContact(BOB, bob.publicKey(), CLOCK)
                .onPeerCertificate(device(bob, 1), CLOCK).trust().markVerified(bob.publicKey(), true, CLOCK);
        ContactTrust pending = verified.onPeerCertificate(device(bob, 5), CLOCK).trust();
        ContactTrust broken = pending.continuityBroken();
        assertEquals(TrustLevel.DISTRUSTED, broken.level(CLOCK),
                "verified no more, and held (nothing sent) until the SAS is compared again");
        broken = broken.withdrawDistrust();
        assertEquals(TrustLevel.UNVERIFIED, broken.level(CLOCK), "the user may lift the hold; verification stays gone");
        assertEquals(Set.of(1L), broken.approvedDevices());
        assertEquals(Outcome.NEW_DEVICE_NEEDS_APPROVAL, broken.onPeerCertificate(device(bob, 5), CLOCK).outcome(),
                "a device the user was asked about is not approved on sight because trust fell");
        assertEquals(Outcome.ALLOWED, broken.onPeerCertificate(device(bob, 6), CLOCK).outcome(),
                "an unverified contact's new device is, as usual");
        assertEquals(TrustLevel.VERIFIED, broken.markVerified(bob.publicKey(), true, CLOCK).level(CLOCK));
        assertEquals(TrustLevel.DISTRUSTED, broken.distrust().continuityBroken().level(CLOCK));
        assertEquals(TrustLevel.UNVERIFIED, ContactTrust.onFirstContact(BOB, bob.publicKey(), CLOCK)
                .continuityBroken().level(CLOCK), "a contact nobody verified is not held: nothing was relied on");
    }

    @Test
    void firstContactPinsTheKeyUnverifiedAndAcceptsItsDevicesOnSight() {
        ContactTrust t = ContactTrust.onFirstContact("Bob@Example.org", bob.publicKey(), CLOCK);
        assertEquals(TrustLevel.UNVERIFIED, t.level(CLOCK));
        assertEquals(TrustSource.TOFU, t.source(CLOCK));
        assertEquals(BareJid.parse(BOB), t.peer());
        PeerDecision first = t.onPeerCertificate(device(bob, 7), CLOCK);
        assertEquals(Outcome.ALLOWED, first.outcome());
        assertTrue(first.maySend());
        PeerDecision second = first.trust().onPeerCertificate(device(bob, 9), CLOCK);
        assertEquals(Outcome.ALLOWED, second.outcome());
        assertEquals(Set.of(7L, 9L), second.trust().approvedDevices());
        assertTrue(t.approvedDevices().isEmpty(), "immutable: the original state is unchanged");
    }

    @Test
    void verifyingTheAccountCoversItsDevicesAndANewDeviceThenNeedsApproval() throws Exception {
        ContactTrust t = ContactTrust.onFirstContact(BOB, bob.publicKey(), CLOCK)
                .onPeerCertificate(device(bob, 1), CLOCK).trust()
                .markVerified(bob.publicKey(), true, CLOCK);
        assertEquals(TrustLevel.VERIFIED, t.level(CLOCK));
        assertEquals(TrustSource.SAS, t.source(CLOCK));
        assertEquals(Outcome.ALLOWED, t.onPeerCertificate(device(bob, 1), CLOCK).outcome());

        PeerDecision fresh = t.onPeerCertificate(device(bob, 2), CLOCK);
        assertEquals(Outcome.NEW_DEVICE_NEEDS_APPROVAL, fresh.outcome());
        assertFalse(fresh.maySend());
        assertEquals(Set.of(2L), fresh.trust().pendingDevices());
        PeerDecision again = fresh.trust().onPeerCertificate(device(bob, 2), CLOCK);
        assertEquals(Outcome.NEW_DEVICE_NEEDS_APPROVAL, again.outcome(), "still held until the user decides");

        ContactTrust approved = again.trust().approveDevice(2);
        assertEquals(Outcome.ALLOWED, approved.onPeerCertificate(device(bob, 2), CLOCK).outcome());
        assertEquals(Set.of(1L, 2L), approved.approvedDevices());
        assertTrue(approved.pendingDevices().isEmpty());
        assertEquals(TrustException.Kind.DEVICE_NOT_PENDING,
                assertThrows(TrustException.class, () -> approved.approveDevice(3)).kind());
    }

    @Test
    void aSecondVerificationApprovesDevicesThatWerePending() throws Exception {
        ContactTrust verified = ContactTrust.onFirstContact(BOB, bob.publicKey(), CLOCK)
                .markVerified(bob.publicKey(), true, CLOCK);
        ContactTrust pending = verified.onPeerCertificate(device(bob, 5), CLOCK).trust();
        assertEquals(Set.of(5L), pending.pendingDevices());
        ContactTrust again = pending.markVerified(bob.publicKey(), true, CLOCK);
        assertEquals(Set.of(5L), again.approvedDevices());
        assertTrue(again.pendingDevices().isEmpty());
    }

    @Test
    void changedAccountKeyStopsAndAlertsUntilTheUserAcceptsIt() throws Exception {
        ContactTrust t = ContactTrust.onFirstContact(BOB, bob.publicKey(), CLOCK)
                .onPeerCertificate(device(bob, 1), CLOCK).trust()
                .markVerified(bob.publicKey(), true, CLOCK);
        PeerDecision changed = t.onPeerCertificate(device(mallory, 66), CLOCK);
        assertEquals(Outcome.ACCOUNT_KEY_CHANGED, changed.outcome());
        assertFalse(changed.maySend());
        ContactTrust alerted = changed.trust();
        assertEquals(mallory.publicKey(), alerted.pendingKeyChange().orElseThrow());
        assertEquals(bob.publicKey(), alerted.pinnedKey(), "the pin does not move by itself");
        assertEquals(TrustLevel.VERIFIED, alerted.level(CLOCK));
        assertEquals(Outcome.ACCOUNT_KEY_CHANGED, alerted.onPeerCertificate(device(mallory, 66), CLOCK).outcome());
        assertEquals(Outcome.ALLOWED, alerted.onPeerCertificate(device(bob, 1), CLOCK).outcome());

        ContactTrust accepted = alerted.acceptNewAccountKey(mallory.publicKey(), at(T0.plusSeconds(60)));
        assertEquals(mallory.publicKey(), accepted.pinnedKey());
        assertEquals(TrustLevel.UNVERIFIED, accepted.level(CLOCK));
        assertEquals(TrustSource.USER, accepted.source(CLOCK));
        assertTrue(accepted.pendingKeyChange().isEmpty());
        assertTrue(accepted.approvedDevices().isEmpty() && accepted.sasVerifiedAt().isEmpty());
        assertEquals(Outcome.ALLOWED, accepted.onPeerCertificate(device(mallory, 66), CLOCK).outcome());
        assertEquals(Outcome.ACCOUNT_KEY_CHANGED, accepted.onPeerCertificate(device(bob, 1), CLOCK).outcome());
    }

    @Test
    void sasMismatchDistrustsAndADistrustedContactGetsNothing() throws Exception {
        ContactTrust t = ContactTrust.onFirstContact(BOB, bob.publicKey(), CLOCK)
                .onPeerCertificate(device(bob, 1), CLOCK).trust();
        ContactTrust mismatch = t.markVerified(bob.publicKey(), false, CLOCK);
        assertEquals(TrustLevel.DISTRUSTED, mismatch.level(CLOCK));
        assertEquals(TrustSource.USER, mismatch.source(CLOCK));
        assertEquals(Outcome.DISTRUSTED, mismatch.onPeerCertificate(device(bob, 1), CLOCK).outcome());
        assertEquals(Outcome.DISTRUSTED, mismatch.onPeerCertificate(device(bob, 2), CLOCK).outcome());
        assertEquals(TrustLevel.UNVERIFIED, mismatch.withdrawDistrust().level(CLOCK));
        assertEquals(TrustLevel.VERIFIED, mismatch.markVerified(bob.publicKey(), true, CLOCK).level(CLOCK));
        assertEquals(TrustLevel.DISTRUSTED, t.distrust().level(CLOCK));
    }

    @Test
    void decisionsAboutAnotherKeyOrJidAreRefusedAndChangeNothing() throws Exception {
        ContactTrust t = ContactTrust.onFirstContact(BOB, bob.publicKey(), CLOCK);
        assertEquals(TrustException.Kind.KEY_NOT_PINNED, assertThrows(TrustException.class,
                () -> t.markVerified(mallory.publicKey(), true, CLOCK)).kind());
        assertEquals(TrustException.Kind.KEY_NOT_PINNED, assertThrows(TrustException.class,
                () -> t.applyCertification(certified(mallory.publicKey(), BOB, T0.plus(Duration.ofDays(9))), CLOCK))
                .kind());
        assertEquals(TrustException.Kind.JID_MISMATCH, assertThrows(TrustException.class,
                () -> t.applyCertification(certified(bob.publicKey(), "eve@example.org", T0.plus(Duration.ofDays(9))),
                        CLOCK)).kind());
        assertEquals(TrustLevel.UNVERIFIED, t.level(CLOCK));
    }

    @Test
    void certificationRaisesUntilItEndsThenTrustFallsBackToWhatElseIsKnown() throws Exception {
        Instant end = T0.plus(Duration.ofDays(30));
        ContactTrust verified = ContactTrust.onFirstContact(BOB, bob.publicKey(), CLOCK)
                .markVerified(bob.publicKey(), true, CLOCK);
        ContactTrust certified = verified.applyCertification(certified(bob.publicKey(), BOB, end), CLOCK);
        assertEquals(TrustLevel.CERTIFIED, certified.level(CLOCK));
        assertEquals(TrustSource.X509, certified.source(CLOCK));
        assertEquals(TrustLevel.VERIFIED, certified.level(at(end)));
        ContactTrust tofuOnly = ContactTrust.onFirstContact(BOB, bob.publicKey(), CLOCK)
                .applyCertification(certified(bob.publicKey(), BOB, end), CLOCK);
        assertEquals(TrustLevel.UNVERIFIED, tofuOnly.level(at(end)));
    }

    @Test
    void certificationNeverLowersTrustNorOverridesDistrust() throws Exception {
        Instant far = T0.plus(Duration.ofDays(300));
        ContactTrust longer = ContactTrust.onFirstContact(BOB, bob.publicKey(), CLOCK)
                .applyCertification(certified(bob.publicKey(), BOB, far), CLOCK);
        ContactTrust shorter = longer.applyCertification(certified(bob.publicKey(), BOB, T0.plusSeconds(60)), CLOCK);
        assertEquals(far, shorter.certification().orElseThrow().validUntil(), "a shorter one does not replace it");
        ContactTrust expired = longer.applyCertification(certified(bob.publicKey(), BOB, T0.minusSeconds(1)), CLOCK);
        assertEquals(longer, expired);
        ContactTrust distrusted = ContactTrust.onFirstContact(BOB, bob.publicKey(), CLOCK).distrust()
                .applyCertification(certified(bob.publicKey(), BOB, far), CLOCK);
        assertEquals(TrustLevel.DISTRUSTED, distrusted.level(CLOCK));
        ContactTrust rejectedApplied = longer.applyCertification(
                new CertificationResult.Rejected(TrustSource.X509, RejectionReason.REVOKED, "test"), CLOCK);
        assertEquals(longer, rejectedApplied, "a later failure does not lower an earlier certification");
    }

    @Test
    void certificationCountsForAtMostAYearAfterItWasChecked() throws Exception {
        ContactTrust t = ContactTrust.onFirstContact(BOB, bob.publicKey(), CLOCK)
                .applyCertification(certified(bob.publicKey(), BOB, T0.plus(Duration.ofDays(5000))), CLOCK);
        assertEquals(T0.plus(ContactTrust.MAX_CERTIFICATION_AGE), t.certification().orElseThrow().validUntil());
        assertEquals(TrustLevel.UNVERIFIED, t.level(at(T0.plus(ContactTrust.MAX_CERTIFICATION_AGE))));
    }

    @Test
    void certifiedContactAlsoNeedsApprovalForNewDevices() throws Exception {
        ContactTrust t = ContactTrust.onFirstContact(BOB, bob.publicKey(), CLOCK)
                .onPeerCertificate(device(bob, 1), CLOCK).trust()
                .applyCertification(certified(bob.publicKey(), BOB, T0.plus(Duration.ofDays(30))), CLOCK);
        assertEquals(Outcome.ALLOWED, t.onPeerCertificate(device(bob, 1), CLOCK).outcome());
        assertEquals(Outcome.NEW_DEVICE_NEEDS_APPROVAL, t.onPeerCertificate(device(bob, 2), CLOCK).outcome());
    }

    @Test
    void deviceRecordIsBoundedAndForgettingMakesRoom() {
        SortedSet<Long> ids = new TreeSet<>();
        for (long i = 1; i <= ContactTrust.MAX_DEVICES; i++) {
            ids.add(i);
        }
        ContactTrust full = new ContactTrust(BareJid.parse(BOB), bob.publicKey(), TrustSource.TOFU, T0, false, null,
                null, null, ids, new TreeSet<>());
        DeviceCertificate extra = device(bob, 5000);
        assertEquals(Outcome.DEVICE_LIMIT_REACHED, full.onPeerCertificate(extra, CLOCK).outcome());
        assertEquals(Outcome.ALLOWED, full.onPeerCertificate(device(bob, 17), CLOCK).outcome());
        assertEquals(Outcome.ALLOWED, full.forgetDevice(17).onPeerCertificate(extra, CLOCK).outcome());
    }
}
