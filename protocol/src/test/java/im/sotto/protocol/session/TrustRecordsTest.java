package im.sotto.protocol.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.session.TrustRecords.HoldReason;
import im.sotto.protocol.trust.BareJid;
import im.sotto.protocol.trust.ContactTrust;
import im.sotto.protocol.trust.PeerDecision.Outcome;
import im.sotto.protocol.trust.TrustLevel;

import org.junit.jupiter.api.Test;

/** The session layer's trust decisions over the core's {@link ContactTrust}, and the migration of its old records. */
class TrustRecordsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T08:00:00Z"), ZoneOffset.UTC);
    private static final BareJid BOB = BareJid.parse("bob@example.org");
    private final SecureRandom random = new SecureRandom();
    private final AccountIdentity bob = AccountIdentity.generate(random);

    private DeviceCertificate device(AccountIdentity account) {
        return DeviceIdentity.create(account, Set.of(1), Set.of(CipherSuite.X25519_AESGCM_SHA256.wireId()), random,
                CLOCK).certificate();
    }

    /** The binding's version-1 record: pinned key, verified flag, presented key (as PeerTrust wrote it). */
    private static byte[] legacyRecord(byte[] pinned, boolean verified, Optional<byte[]> presented) {
        return new RecordCodec.Writer(1).field(pinned).field(new byte[] {(byte) (verified ? 1 : 0)})
                .optional(presented).toByteArray();
    }

    private static void storeSession(im.sotto.protocol.store.Stores s, DeviceCertificate certificate) {
        s.sessions().store(new SessionAddress(BOB.toString(), certificate.deviceId()), SessionRecord
                .builder(SessionOrigin.ONLINE_HANDSHAKE, new byte[] {1}).peerCertificate(certificate.encoded()).build()
                .encode());
    }

    @Test
    void aVerifiedLegacyRecordBecomesVerifiedWithItsKnownDevicesApproved() {
        InMemoryAccountStore store = new InMemoryAccountStore();
        DeviceCertificate known = device(bob);
        store.transact(s -> {
            storeSession(s, known);
            s.identities().storePeerTrust(BOB.toString(), legacyRecord(bob.publicKey().bytes(), true,
                    Optional.empty()));
            return null;
        });
        ContactTrust migrated = store.transact(s -> TrustRecords.load(s, BOB, CLOCK)).orElseThrow();
        assertEquals(TrustLevel.VERIFIED, migrated.level(CLOCK));
        assertEquals(bob.publicKey(), migrated.pinnedKey());
        assertEquals(Set.of(known.deviceId()), migrated.approvedDevices(), "the device talked to before stays usable");
        byte[] rewritten = store.transact(s -> s.identities().peerTrust(BOB.toString())).orElseThrow();
        assertFalse(LegacyPeerTrust.isLegacy(rewritten), "rewritten in the core's format at once");
        assertEquals(migrated, store.transact(s -> TrustRecords.load(s, BOB, CLOCK)).orElseThrow());
        DeviceCertificate newDevice = device(bob);
        assertEquals(Outcome.NEW_DEVICE_NEEDS_APPROVAL,
                store.transact(s -> TrustRecords.onCertificate(s, BOB, newDevice, CLOCK)).outcome());
    }

    @Test
    void anUnverifiedLegacyRecordWithAPresentedKeyKeepsTheKeyChangePending() {
        InMemoryAccountStore store = new InMemoryAccountStore();
        AccountIdentity other = AccountIdentity.generate(random);
        store.transact(s -> {
            s.identities().storePeerTrust(BOB.toString(), legacyRecord(bob.publicKey().bytes(), false,
                    Optional.of(other.publicKey().bytes())));
            return null;
        });
        ContactTrust migrated = store.transact(s -> TrustRecords.load(s, BOB, CLOCK)).orElseThrow();
        assertEquals(TrustLevel.UNVERIFIED, migrated.level(CLOCK));
        assertEquals(Optional.of(other.publicKey()), migrated.pendingKeyChange());
        assertEquals(HoldReason.KEY_CHANGED, store.transact(s -> TrustRecords.hold(s, BOB, Optional.empty(), CLOCK))
                .orElseThrow().reason(), "sending stays held after the upgrade");
    }

    @Test
    void aCorruptLegacyRecordIsAnErrorNotADefault() {
        InMemoryAccountStore store = new InMemoryAccountStore();
        store.transact(s -> {
            s.identities().storePeerTrust(BOB.toString(), legacyRecord(new byte[31], false, Optional.empty()));
            return null;
        });
        assertThrows(IllegalStateException.class, () -> store.transact(s -> TrustRecords.load(s, BOB, CLOCK)));
    }

    @Test
    void theFirstKeyIsPinnedAChangedKeyIsHeldAndNothingIsSentToIt() {
        InMemoryAccountStore store = new InMemoryAccountStore();
        DeviceCertificate first = device(bob);
        DeviceCertificate impostor = device(AccountIdentity.generate(random));
        assertEquals(Outcome.ALLOWED, store.transact(s -> TrustRecords.onCertificate(s, BOB, first, CLOCK)).outcome());
        assertTrue(store.transact(s -> TrustRecords.hold(s, BOB, Optional.empty(), CLOCK)).isEmpty());
        assertEquals(Outcome.ACCOUNT_KEY_CHANGED,
                store.transact(s -> TrustRecords.onCertificate(s, BOB, impostor, CLOCK)).outcome());
        ContactTrust after = store.transact(s -> TrustRecords.load(s, BOB, CLOCK)).orElseThrow();
        assertEquals(bob.publicKey(), after.pinnedKey(), "the pin does not move");
        assertFalse(TrustRecords.maySendTo(Optional.of(after), Optional.of(impostor), CLOCK));
        assertEquals(HoldReason.KEY_CHANGED,
                store.transact(s -> TrustRecords.hold(s, BOB, Optional.empty(), CLOCK)).orElseThrow().reason());
    }

    @Test
    void aNewDeviceOfAVerifiedContactIsHeldUntilApproved() throws Exception {
        InMemoryAccountStore store = new InMemoryAccountStore();
        DeviceCertificate phone = device(bob);
        DeviceCertificate laptop = device(bob);
        store.transact(s -> {
            TrustRecords.onCertificate(s, BOB, phone, CLOCK);
            storeSession(s, phone);
            ContactTrust t = TrustRecords.load(s, BOB, CLOCK).orElseThrow();
            TrustRecords.store(s, BOB, t.markVerified(bob.publicKey(), true, CLOCK));
            return null;
        });
        assertEquals(Outcome.NEW_DEVICE_NEEDS_APPROVAL,
                store.transact(s -> TrustRecords.onCertificate(s, BOB, laptop, CLOCK)).outcome());
        ContactTrust t = store.transact(s -> TrustRecords.load(s, BOB, CLOCK)).orElseThrow();
        assertFalse(TrustRecords.maySendTo(Optional.of(t), Optional.of(laptop), CLOCK));
        assertTrue(TrustRecords.maySendTo(Optional.of(t), Optional.of(phone), CLOCK));
        assertFalse(TrustRecords.maySendTo(Optional.of(t), Optional.empty(), CLOCK),
                "a verified contact's device that proved nothing gets nothing");
        assertFalse(TrustRecords.maySendToSession(Optional.of(t), laptop.deviceId(), true, CLOCK));
        assertTrue(TrustRecords.maySendToSession(Optional.of(t), phone.deviceId(), true, CLOCK));
        assertFalse(TrustRecords.maySendToSession(Optional.of(t), phone.deviceId(), false, CLOCK),
                "a session whose peer proved nothing is not the approved device");
        assertEquals(HoldReason.DEVICE_NOT_APPROVED, store.transact(s -> TrustRecords.hold(s, BOB,
                Optional.of(laptop.deviceId()), CLOCK)).orElseThrow().reason());
        assertTrue(store.transact(s -> TrustRecords.hold(s, BOB, Optional.empty(), CLOCK)).isEmpty(),
                "stanzas for the account still go to the approved phone");
        ContactTrust approved = t.approveDevice(laptop.deviceId());
        assertTrue(TrustRecords.maySendTo(Optional.of(approved), Optional.of(laptop), CLOCK));
    }

    @Test
    void aDistrustedContactIsHeld() {
        InMemoryAccountStore store = new InMemoryAccountStore();
        DeviceCertificate phone = device(bob);
        store.transact(s -> {
            TrustRecords.onCertificate(s, BOB, phone, CLOCK);
            TrustRecords.store(s, BOB, TrustRecords.load(s, BOB, CLOCK).orElseThrow().distrust());
            return null;
        });
        assertEquals(HoldReason.DISTRUSTED,
                store.transact(s -> TrustRecords.hold(s, BOB, Optional.empty(), CLOCK)).orElseThrow().reason());
        assertEquals(Outcome.DISTRUSTED, store.transact(s -> TrustRecords.onCertificate(s, BOB, phone, CLOCK))
                .outcome());
    }
}
