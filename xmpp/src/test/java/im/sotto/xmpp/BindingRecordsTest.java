package im.sotto.xmpp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.store.InMemoryAccountStore;

import org.junit.jupiter.api.Test;

/** The binding's records and trust rules, without a server. */
class BindingRecordsTest {
    private final SecureRandom random = new SecureRandom();

    @Test
    void accountReopensWithTheSameIdentityFromItsStore() {
        InMemoryAccountStore store = new InMemoryAccountStore();
        SottoAccount first = SottoAccount.open(store, random, Clock.systemUTC());
        SottoAccount again = SottoAccount.open(store, random, Clock.systemUTC());
        assertEquals(first.fingerprint(), again.fingerprint());
        assertEquals(first.device().deviceId(), again.device().deviceId());
        assertArrayEquals(first.device().certificate().encoded(), again.device().certificate().encoded());
        assertTrue(first.device().deviceId() <= Integer.MAX_VALUE, "fits the device list");
    }

    @Test
    void firstKeyIsPinnedAChangedKeyIsHeldUntilAccepted() {
        InMemoryAccountStore store = new InMemoryAccountStore();
        AccountPublicKey original = AccountIdentity.generate(random).publicKey();
        AccountPublicKey other = AccountIdentity.generate(random).publicKey();
        store.transact(s -> {
            assertEquals(PeerTrust.Check.PINNED_NOW, PeerTrust.check(s, "bob@example.org", original));
            assertEquals(PeerTrust.Check.MATCHES, PeerTrust.check(s, "bob@example.org", original));
            assertEquals(TrustLevel.TRUSTED_ON_FIRST_USE, PeerTrust.level(s, "bob@example.org"));
            assertFalse(PeerTrust.held(s, "bob@example.org"));
            assertEquals(PeerTrust.Check.CHANGED, PeerTrust.check(s, "bob@example.org", other));
            assertTrue(PeerTrust.held(s, "bob@example.org"), "sending is held after a key change");
            assertEquals(original, PeerTrust.pinned(s, "bob@example.org").orElseThrow(), "the old key stays pinned");
            assertTrue(PeerTrust.acceptPresented(s, "bob@example.org"));
            assertEquals(other, PeerTrust.pinned(s, "bob@example.org").orElseThrow());
            assertFalse(PeerTrust.held(s, "bob@example.org"));
            assertTrue(PeerTrust.markVerified(s, "bob@example.org", other));
            assertEquals(TrustLevel.VERIFIED, PeerTrust.level(s, "bob@example.org"));
            return null;
        });
    }

    @Test
    void sessionRecordRoundTripsAndRejectsTrailingBytes() {
        SessionRecord record = new SessionRecord(SessionOrigin.ONLINE_HANDSHAKE, new byte[] {1, 2, 3},
                Optional.empty(), Optional.of("ABCD1234"), Optional.of(new byte[] {9}), Optional.empty(),
                Optional.of(new byte[32]));
        byte[] encoded = record.encode();
        SessionRecord decoded = SessionRecord.decode(encoded);
        assertEquals(record.origin(), decoded.origin());
        assertArrayEquals(record.ratchet(), decoded.ratchet());
        assertEquals(Optional.of("ABCD1234"), decoded.sas());
        assertArrayEquals(new byte[] {9}, decoded.pendingConfirmation().orElseThrow());
        assertTrue(decoded.peerCertificate().isEmpty());
        byte[] longer = java.util.Arrays.copyOf(encoded, encoded.length + 1);
        assertThrows(IllegalStateException.class, () -> SessionRecord.decode(longer));
        byte[] shorter = java.util.Arrays.copyOf(encoded, encoded.length - 1);
        assertThrows(IllegalStateException.class, () -> SessionRecord.decode(shorter));
    }
}
