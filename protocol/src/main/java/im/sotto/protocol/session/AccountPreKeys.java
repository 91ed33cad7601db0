package im.sotto.protocol.session;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.offline.PreKeyPolicy;
import im.sotto.protocol.offline.PreKeyRecordException;
import im.sotto.protocol.offline.PreKeyVault;
import im.sotto.protocol.store.PreKeyKind;
import im.sotto.protocol.store.Stores;

/**
 * Where a device keeps its prekey state: the whole {@link PreKeyVault} (signed and one-time prekeys, the replay
 * cache of first messages; its own record, {@link PreKeyVault#toRecord()}) is one record of the prekey store under
 * ({@link PreKeyKind#SIGNED}, id {@value #VAULT_RECORD_ID}), an id the core never gives a prekey. Every method works
 * inside the caller's transaction.
 */
public final class AccountPreKeys {
    static final long VAULT_RECORD_ID = 0;
    /** The vault is replaced, never expired by the store's schedule; the prekeys inside carry their own lifetimes. */
    static final Instant VAULT_KEEP_UNTIL = Instant.parse("9999-01-01T00:00:00Z");

    private AccountPreKeys() {
    }

    /** Makes a new device's vault (prekeys for {@code suites}, the default schedule) and stores it. */
    public static void create(Stores stores, AccountIdentity account, Collection<CipherSuite> suites,
            SecureRandom random, Instant now) {
        store(stores, PreKeyVault.create(account, Set.copyOf(suites), PreKeyPolicy.defaults(), random, now));
    }

    /** The stored vault; a store with an identity always has one. */
    public static PreKeyVault load(Stores stores) {
        byte[] record = stores.preKeys().load(PreKeyKind.SIGNED, VAULT_RECORD_ID)
                .orElseThrow(() -> new IllegalStateException("the store has an identity but no prekey vault"));
        try {
            return PreKeyVault.fromRecord(record);
        } catch (PreKeyRecordException e) {
            throw new IllegalStateException("the stored prekey vault cannot be read", e);
        }
    }

    public static void store(Stores stores, PreKeyVault vault) {
        stores.preKeys().store(PreKeyKind.SIGNED, VAULT_RECORD_ID, vault.toRecord(), VAULT_KEEP_UNTIL);
    }

    /**
     * The encoded bundle to publish, from the vault maintained at {@code now} first (rotated, refilled, its replay
     * cache expired); the vault is stored again only when maintaining it changed it.
     */
    public static byte[] maintainedBundle(Stores stores, AccountIdentity account, SecureRandom random, Instant now) {
        PreKeyVault vault = load(stores);
        if (vault.maintain(account, random, now)) {
            store(stores, vault);
        }
        return vault.bundle().encode();
    }
}
