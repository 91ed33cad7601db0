package im.sotto.protocol.offline;

import im.sotto.protocol.crypto.MlKemKeyPair;
import im.sotto.protocol.identity.AccountIdentity;
import java.security.SecureRandom;

/**
 * Builds the prekey vault records versions 1 to 3 wrote, which this version only reads: they kept an ML-KEM prekey as
 * its 64-byte seed where version 4 keeps the expanded decapsulation key (docs/protocol.md 11.7).
 */
final class OlderVaultRecords {
    private OlderVaultRecords() {}

    /**
     * Gives the vault's newest signed prekey a fresh ML-KEM key held as its seed, signed again in the current bundle
     * format: what a vault loaded from an older record holds before it is written back. The X25519 key stays.
     */
    static void holdMlKemSeed(PreKeyVault vault, AccountIdentity owner, SecureRandom random) {
        MlKemKeyPair pq = MlKemKeyPair.generate(random);
        byte[] pqPublic = pq.encapsulationKey().toBytes();
        SignedPreKey current = vault.newest();
        PreKeyBundle published = vault.bundle();
        byte[] signature = owner.sign(PreKeyBundle.signedContent(PreKeyBundle.FORMAT, published.versionBits(),
                published.suiteBits(), current.id, current.keyPair.publicKey(), pqPublic));
        vault.signed.set(vault.signed.size() - 1, new SignedPreKey(current.id, current.created, current.keyPair,
                pqPublic, pq.seed(), PreKeyBundle.FORMAT, signature));
    }

    /** The record of a vault after {@link #holdMlKemSeed}, as version 3 wrote it (same layout as version 4). */
    static byte[] versionThree(PreKeyVault seedHolding) {
        byte[] record = seedHolding.toRecord();
        record[0] = 3;
        return record;
    }
}
