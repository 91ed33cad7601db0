package im.sotto.protocol.offline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.MlKem768;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Offline sessions in the hybrid suite: the ML-KEM prekey is used (PQXDH-style) and cannot be stripped. */
class HybridOfflineTest {
    private static final CipherSuite HYBRID = CipherSuite.X25519MLKEM768_AESGCM_SHA256;
    private static final byte[] AD = {7};
    private final SecureRandom random = new SecureRandom();
    private final OfflineParty.MovableClock clock = new OfflineParty.MovableClock();
    private final OfflineParty alice = new OfflineParty(random, clock);
    private final OfflineParty bob = new OfflineParty(random, clock);

    HybridOfflineTest() {
        bob.vault = PreKeyVault.create(bob.account, Set.of(HYBRID, CipherSuite.X25519_AESGCM_SHA256),
                PreKeyPolicy.defaults(), random, clock.instant());
    }

    @Test
    void hybridFirstMessageMixesTheMlKemSecretAndContinuesInTheRatchet() throws Exception {
        PreKeyBundle bundle = bob.publishedBundle();
        assertEquals(PreKeyBundle.PQ_PREKEY_LENGTH, bundle.pqPreKey().orElseThrow().length);
        OutgoingFirstMessage hybrid = new FirstMessageSender(alice.device, List.of(HYBRID), random, clock)
                .send(bundle, RecipientKnowledge.unknown(), new byte[] {1, 2, 3}, AD);
        OutgoingFirstMessage classical = alice.sender().send(bundle, RecipientKnowledge.unknown(), new byte[] {1, 2, 3},
                AD);
        assertEquals(classical.message().length + MlKem768.CIPHERTEXT_LENGTH, hybrid.message().length);
        IncomingFirstMessage.Accepted in = assertInstanceOf(IncomingFirstMessage.Accepted.class,
                bob.receive(hybrid.message(), AD));
        assertEquals(HYBRID, in.session().suite());
        assertArrayEquals(new byte[] {1, 2, 3}, in.plaintext());
        byte[] reply = FirstReply.seal(in.session(), bob.device, in.sender(), in.transcriptHash(), new byte[] {4}, AD);
        assertTrue(FirstReply.open(hybrid.session(), alice.device, hybrid.pendingConfirmation(), reply, AD, random,
                clock).confirmed());
    }

    @Test
    void alteredKemCiphertextIsRejected() throws Exception {
        byte[] m = new FirstMessageSender(alice.device, List.of(HYBRID), random, clock)
                .send(bob.publishedBundle(), RecipientKnowledge.unknown(), new byte[] {1}, AD).message();
        m[3 + 32 + 500] ^= 1;
        IncomingFirstMessage.Rejected r = assertInstanceOf(IncomingFirstMessage.Rejected.class,
                bob.receive(m, AD));
        assertEquals(IncomingFirstMessage.Reason.UNKNOWN_SIGNED_PREKEY, r.reason());
    }

    @Test
    void strippingTheMlKemPrekeyBreaksTheSignatureForAPinnedRecipient() throws Exception {
        PreKeyBundle b = bob.publishedBundle();
        PreKeyBundle stripped = new PreKeyBundle(b.format(), b.versionBits(),
                CipherSuite.bitmask(Set.of(CipherSuite.X25519_AESGCM_SHA256)), b.signedPreKeyId(), b.signedPreKey(),
                null, b.signature(), Map.of());
        BundleException e = assertThrows(BundleException.class, () -> new FirstMessageSender(alice.device,
                List.of(HYBRID, CipherSuite.X25519_AESGCM_SHA256), random, clock)
                .send(stripped, RecipientKnowledge.pinned(bob.device.certificate()), new byte[] {1}, AD));
        assertEquals(BundleException.Kind.BAD_SIGNATURE, e.kind());
    }

    @Test
    void rotationRenewsTheMlKemPrekeyWithTheSignedPrekey() throws Exception {
        byte[] before = bob.vault.bundle().pqPreKey().orElseThrow();
        clock.advance(PreKeyPolicy.DEFAULT_ROTATION);
        bob.vault.maintain(bob.account, random, clock.instant());
        byte[] after = bob.vault.bundle().pqPreKey().orElseThrow();
        assertTrue(!java.util.Arrays.equals(before, after));
        bob.vault.bundle().verify(bob.account.publicKey());
        assertArrayEquals(bob.vault.toRecord(), PreKeyVault.fromRecord(bob.vault.toRecord()).toRecord());
    }
    @Test
    void aVersionThreeVaultHoldingTheMlKemSeedStillOpensHybridFirstMessagesAndIsRewrittenAsVersionFour()
            throws Exception {
        byte[] versionThree = versionThreeRecord();
        PreKeyVault loaded = PreKeyVault.fromRecord(versionThree);
        assertEquals(versionThree.length - MlKem768.SEED_LENGTH + MlKem768.DECAPSULATION_KEY_LENGTH,
                loaded.toRecord().length, "written back with the expanded key in place of the seed");
        assertEquals(4, loaded.toRecord()[0]);
        bob.vault = loaded;
        PreKeyBundle bundle = bob.publishedBundle();
        OutgoingFirstMessage out = new FirstMessageSender(alice.device, List.of(HYBRID), random, clock)
                .send(bundle, RecipientKnowledge.pinned(bob.device.certificate()), new byte[] {5}, AD);
        IncomingFirstMessage.Accepted in = assertInstanceOf(IncomingFirstMessage.Accepted.class,
                bob.receive(out.message(), AD));
        assertArrayEquals(new byte[] {5}, in.plaintext());
        byte[] rewritten = bob.vault.toRecord();
        assertArrayEquals(rewritten, PreKeyVault.fromRecord(rewritten).toRecord(), "version 4 is stable");
    }

    @Test
    void aVersionFourRecordWhoseMlKemKeyIsNotTheExpandedKeyOfItsPrekeyIsCorrupt() throws Exception {
        byte[] seedAsVersionFour = versionThreeRecord();
        seedAsVersionFour[0] = 4;
        assertThrows(PreKeyRecordException.class, () -> PreKeyVault.fromRecord(seedAsVersionFour),
                "version 4 holds the expanded key, never a seed");

        byte[] record = bob.vault.toRecord();
        byte[] pqPublic = bob.vault.bundle().pqPreKey().orElseThrow();
        int published = indexOf(record, pqPublic, 0);
        int embedded = indexOf(record, pqPublic, published + 1);
        assertTrue(published > 0 && embedded > published, "the public key, then the expanded key embedding it");
        record[embedded + 100] ^= 1;
        assertThrows(PreKeyRecordException.class, () -> PreKeyVault.fromRecord(record));
    }

    /** Bob's vault as version 3 wrote it: the same layout, with the ML-KEM prekey's 64-byte seed as its secret. */
    private byte[] versionThreeRecord() throws Exception {
        PreKeyVault old = PreKeyVault.fromRecord(bob.vault.toRecord());
        OlderVaultRecords.holdMlKemSeed(old, bob.account, random);
        return OlderVaultRecords.versionThree(old);
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        for (int i = from; i + needle.length <= haystack.length; i++) {
            if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
