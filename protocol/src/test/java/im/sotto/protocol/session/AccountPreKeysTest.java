package im.sotto.protocol.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.offline.PreKeyBundle;
import im.sotto.protocol.offline.PreKeyPolicy;
import im.sotto.protocol.offline.PreKeyVault;
import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.protocol.store.PreKeyKind;

import org.junit.jupiter.api.Test;

/**
 * A device's prekey state in its store (moved from the binding's SottoAccount): the vault is the record under
 * (SIGNED, 0), where stores written before the move keep it, and what cannot be read is refused loudly.
 */
class AccountPreKeysTest {
    private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");
    private static final List<CipherSuite> SUITES = List.of(CipherSuite.X25519_AESGCM_SHA256,
            CipherSuite.X25519_CHACHAPOLY_SHA256);

    private final SecureRandom random = new SecureRandom();
    private final AccountIdentity account = AccountIdentity.generate(random);
    private final InMemoryAccountStore store = new InMemoryAccountStore();

    @Test
    void theVaultIsTheRecordUnderSignedIdZero() {
        store.transact(stores -> {
            AccountPreKeys.create(stores, account, SUITES, random, NOW);
            return null;
        });
        byte[] record = store.transact(stores -> stores.preKeys().load(PreKeyKind.SIGNED, 0).orElseThrow());
        PreKeyVault loaded = store.transact(AccountPreKeys::load);
        assertArrayEquals(record, loaded.toRecord(), "read from, and written to, where earlier versions keep it");
        assertEquals(1, loaded.signedCount());
        assertEquals(SUITES.size(), loaded.bundle().suites().size());
    }

    @Test
    void aMaintainedBundleIsStoredOnlyWhenTheScheduleChangedIt() throws Exception {
        store.transact(stores -> {
            AccountPreKeys.create(stores, account, SUITES, random, NOW);
            return null;
        });
        byte[] before = store.transact(stores -> stores.preKeys().load(PreKeyKind.SIGNED, 0).orElseThrow());
        byte[] bundle = store.transact(stores -> AccountPreKeys.maintainedBundle(stores, account, random, NOW));
        assertArrayEquals(before, store.transact(stores -> stores.preKeys().load(PreKeyKind.SIGNED, 0)
                .orElseThrow()), "nothing due: the vault is not rewritten");
        assertArrayEquals(store.transact(AccountPreKeys::load).bundle().encode(), bundle);

        Instant rotated = NOW.plus(PreKeyPolicy.defaults().rotation()).plus(Duration.ofMinutes(1));
        byte[] later = store.transact(stores -> AccountPreKeys.maintainedBundle(stores, account, random, rotated));
        assertEquals(2, store.transact(AccountPreKeys::load).signedCount(), "the rotation was stored");
        assertArrayEquals(store.transact(AccountPreKeys::load).bundle().encode(), later);
        assertEquals(PreKeyBundle.parse(later).signedPreKeyId(), PreKeyBundle.parse(bundle).signedPreKeyId() + 1);
    }

    @Test
    void aMissingOrUnreadableVaultIsRefused() {
        assertThrows(IllegalStateException.class, () -> store.transact(AccountPreKeys::load));
        store.transact(stores -> {
            stores.preKeys().store(PreKeyKind.SIGNED, 0, new byte[] {9, 9, 9}, AccountPreKeys.VAULT_KEEP_UNTIL);
            return null;
        });
        assertThrows(IllegalStateException.class, () -> store.transact(AccountPreKeys::load));
    }
}
