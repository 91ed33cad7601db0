package im.sotto.protocol.offline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.crypto.CipherSuite;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Format 2 of the prekey bundle signs its versions and suites bytes; these tests are a server editing published
 * bundles (docs/protocol.md 6.1). Format 1, which older clients published, is still read.
 */
class SignedBundleTest {
    private static final CipherSuite HYBRID = CipherSuite.X25519MLKEM768_AESGCM_SHA256;
    private static final CipherSuite AES = CipherSuite.X25519_AESGCM_SHA256;
    private static final CipherSuite CHACHA = CipherSuite.X25519_CHACHAPOLY_SHA256;
    private static final int VERSIONS_OFFSET = 1;
    private static final int SUITES_OFFSET = 2;
    /** format, versions, suites, u32 id, 32-byte key: the ML-KEM flag follows. */
    private static final int PQ_FLAG_OFFSET = 1 + 1 + 1 + 4 + 32;
    private static final byte[] AD = {9};
    private final SecureRandom random = new SecureRandom();
    private final OfflineParty.MovableClock clock = new OfflineParty.MovableClock();
    private final OfflineParty alice = new OfflineParty(random, clock);
    private final OfflineParty bob = new OfflineParty(random, clock);

    SignedBundleTest() {
        bob.vault = PreKeyVault.create(bob.account, Set.of(HYBRID, AES, CHACHA), PreKeyPolicy.defaults(), random,
                clock.instant());
    }

    @Test
    void theVaultPublishesFormatTwoSignedOverItsSuites() throws Exception {
        PreKeyBundle bundle = bob.publishedBundle();
        assertEquals(PreKeyBundle.FORMAT, bundle.format());
        bundle.verify(bob.account.publicKey());
        assertEquals(Set.of(HYBRID, AES, CHACHA), bundle.suites());
    }

    @Test
    void aServerThatClearsTheHybridBitButKeepsTheMlKemKeyIsRefusedAtParse() {
        byte[] edited = bob.vault.bundle().encode();
        edited[SUITES_OFFSET] &= (byte) ~CipherSuite.bitmask(Set.of(HYBRID));
        BundleException e = assertThrows(BundleException.class, () -> PreKeyBundle.parse(edited));
        assertEquals(BundleException.Kind.MALFORMED, e.kind());
    }

    @Test
    void aServerThatStripsTheMlKemKeyAndTheHybridBitIsCaughtByTheSignatureForAPinnedRecipient() throws Exception {
        byte[] stripped = stripMlKem(bob.vault.bundle().encode());
        PreKeyBundle parsed = PreKeyBundle.parse(stripped);
        assertEquals(Set.of(AES, CHACHA), parsed.suites(), "the edited bundle parses: only the signature can tell");
        BundleException e = assertThrows(BundleException.class, () -> hybridSender().send(parsed,
                RecipientKnowledge.pinned(bob.device.certificate()), new byte[] {1}, AD));
        assertEquals(BundleException.Kind.BAD_SIGNATURE, e.kind());
        assertEquals(BundleException.Kind.BAD_SIGNATURE,
                assertThrows(BundleException.class, () -> parsed.verify(bob.account.publicKey())).kind());
    }

    @Test
    void aServerThatStripsTheMlKemKeyFromAnUnknownRecipientsBundleIsExposedByTheReply() throws Exception {
        PreKeyBundle stripped = PreKeyBundle.parse(stripMlKem(bob.vault.bundle().encode()));
        OutgoingFirstMessage out = hybridSender().send(stripped, RecipientKnowledge.unknown(), new byte[] {1}, AD);
        assertEquals(AES, out.session().suite(), "without the key the sender cannot use the hybrid suite");
        IncomingFirstMessage.Accepted in = assertInstanceOf(IncomingFirstMessage.Accepted.class,
                bob.receive(out.message(), AD));
        byte[] reply = FirstReply.seal(in.session(), bob.device, in.sender(), in.transcriptHash(), new byte[] {2},
                AD);
        FirstReply.Opened opened = FirstReply.open(out.session(), alice.device, out.pendingConfirmation(), reply, AD,
                random, clock);
        assertEquals(FirstReply.Failure.PREKEY_NOT_SIGNED_BY_THIS_ACCOUNT, opened.failure());
    }

    @Test
    void everyEditOfTheVersionsOrSuitesByteOrTheFormatIsCaughtByTheSignature() throws Exception {
        byte[] genuine = bob.vault.bundle().encode();
        int checked = 0;
        for (int offset : new int[] {VERSIONS_OFFSET, SUITES_OFFSET}) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] edited = genuine.clone();
                edited[offset] ^= (byte) (1 << bit);
                PreKeyBundle parsed;
                try {
                    parsed = PreKeyBundle.parse(edited);
                } catch (BundleException refusedAtParse) {
                    continue; // e.g. the hybrid bit cleared with the key kept, or no version left
                }
                assertEquals(BundleException.Kind.BAD_SIGNATURE, assertThrows(BundleException.class,
                        () -> parsed.verify(bob.account.publicKey())).kind(), "bit " + bit + " of byte " + offset);
                checked++;
            }
        }
        assertTrue(checked >= 12, checked + " edits parsed and were checked");
        byte[] downgraded = genuine.clone();
        downgraded[0] = PreKeyBundle.FORMAT_PREKEYS_SIGNED_ONLY;
        assertEquals(BundleException.Kind.BAD_SIGNATURE, assertThrows(BundleException.class,
                () -> PreKeyBundle.parse(downgraded).verify(bob.account.publicKey())).kind(),
                "a format-2 signature does not verify as format 1");
    }

    @Test
    void aSenderThatSpeaksTheHybridSuiteUsesASignedMlKemKeyWhateverItsPreferenceOrder() throws Exception {
        FirstMessageSender classicalFirst = new FirstMessageSender(alice.device, List.of(AES, CHACHA, HYBRID), random,
                clock);
        OutgoingFirstMessage out = classicalFirst.send(bob.publishedBundle(),
                RecipientKnowledge.pinned(bob.device.certificate()), new byte[] {1}, AD);
        assertEquals(HYBRID, out.session().suite());
        assertEquals(HYBRID, assertInstanceOf(IncomingFirstMessage.Accepted.class, bob.receive(out.message(), AD))
                .session().suite());
    }

    @Test
    void aFormatOneBundleIsStillReadVerifiedAndUsed() throws Exception {
        PreKeyBundle old = PreKeyBundle.parse(FormatOneWriter.bundle(bob.vault, bob.account).encode());
        assertEquals(PreKeyBundle.FORMAT_PREKEYS_SIGNED_ONLY, old.format());
        old.verify(bob.account.publicKey());
        OutgoingFirstMessage out = hybridSender().send(old, RecipientKnowledge.pinned(bob.device.certificate()),
                new byte[] {1}, AD);
        assertEquals(HYBRID, out.session().suite());
        IncomingFirstMessage.Accepted in = assertInstanceOf(IncomingFirstMessage.Accepted.class,
                bob.receive(out.message(), AD));
        byte[] reply = FirstReply.seal(in.session(), bob.device, in.sender(), in.transcriptHash(), new byte[] {2},
                AD);
        assertTrue(FirstReply.open(out.session(), alice.device, out.pendingConfirmation(), reply, AD, random, clock)
                .confirmed(), "the pending confirmation checks a format-1 signature too");
    }

    @Test
    void aFormatOneBundleWhoseHybridBitWasClearedStillGetsTheHybridSuite() throws Exception {
        // Format 1 does not sign the suites byte; its signature does cover the ML-KEM key, so the key decides.
        PreKeyBundle old = FormatOneWriter.bundle(bob.vault, bob.account);
        PreKeyBundle edited = PreKeyBundle.parse(FormatOneWriter.bundle(old, bob.account,
                CipherSuite.bitmask(Set.of(AES))).encode());
        edited.verify(bob.account.publicKey());
        assertFalse(edited.suites().contains(HYBRID));
        OutgoingFirstMessage out = hybridSender().send(edited, RecipientKnowledge.pinned(bob.device.certificate()),
                new byte[] {1}, AD);
        assertEquals(HYBRID, out.session().suite(), "no silent downgrade to the classical suite");
        assertInstanceOf(IncomingFirstMessage.Accepted.class, bob.receive(out.message(), AD));
    }

    @Test
    void aVaultWithFormatOneSignaturesFromAnOlderVersionSignsItsKeyAgainOnMaintenance() throws Exception {
        OlderVaultRecords.holdMlKemSeed(bob.vault, bob.account, random); // version 2 kept the ML-KEM seed
        SignedPreKey key = bob.vault.newest();
        byte[] formatOne = FormatOneWriter.bundle(bob.vault, bob.account).signature();
        bob.vault.signed.set(bob.vault.signed.size() - 1,
                key.resigned(PreKeyBundle.FORMAT_PREKEYS_SIGNED_ONLY, formatOne));
        PreKeyVault loaded = PreKeyVault.fromRecord(asVersionTwoRecord(bob.vault.toRecord()));
        PreKeyBundle before = loaded.bundle();
        assertEquals(PreKeyBundle.FORMAT_PREKEYS_SIGNED_ONLY, before.format(), "a version-2 record is format 1");
        before.verify(bob.account.publicKey());

        assertTrue(loaded.maintain(bob.account, random, clock.instant()), "the bundle changed: republish");
        PreKeyBundle after = loaded.bundle();
        assertEquals(PreKeyBundle.FORMAT, after.format());
        after.verify(bob.account.publicKey());
        assertArrayEquals(before.signedPreKey(), after.signedPreKey(), "the same key, signed again");
        assertEquals(1, loaded.signedCount());
    }

    @Test
    void aPendingConfirmationWrittenForAFormatOneBundleIsStillReadAndChecked() throws Exception {
        PreKeyBundle old = FormatOneWriter.bundle(bob.vault, bob.account);
        OutgoingFirstMessage out = hybridSender().send(old, RecipientKnowledge.unknown(), new byte[] {1}, AD);
        byte[] current = out.pendingConfirmation().encode();
        // Version 1: no bundle format, versions and suites bytes after the transcript hash (u8, u8, vec16 of 32).
        int at = 1 + 1 + 2 + 32;
        byte[] versionOne = new byte[current.length - 3];
        System.arraycopy(current, 0, versionOne, 0, at);
        System.arraycopy(current, at + 3, versionOne, at, current.length - at - 3);
        versionOne[0] = 1;
        PendingConfirmation decoded = PendingConfirmation.decode(versionOne);
        assertTrue(decoded.signedBy(bob.account.publicKey()));
        assertFalse(decoded.signedBy(alice.account.publicKey()));
    }

    private FirstMessageSender hybridSender() {
        return new FirstMessageSender(alice.device, List.of(HYBRID, AES, CHACHA), random, clock);
    }

    /** What a server can do to a format-2 bundle: drop the ML-KEM key and the hybrid bit, keep the signature. */
    private static byte[] stripMlKem(byte[] bundle) {
        byte[] out = new byte[bundle.length - PreKeyBundle.PQ_PREKEY_LENGTH];
        System.arraycopy(bundle, 0, out, 0, PQ_FLAG_OFFSET);
        out[SUITES_OFFSET] &= (byte) ~CipherSuite.bitmask(Set.of(HYBRID));
        out[PQ_FLAG_OFFSET] = 0;
        System.arraycopy(bundle, PQ_FLAG_OFFSET + 1 + PreKeyBundle.PQ_PREKEY_LENGTH, out, PQ_FLAG_OFFSET + 1,
                bundle.length - PQ_FLAG_OFFSET - 1 - PreKeyBundle.PQ_PREKEY_LENGTH);
        return out;
    }

    /** A version-3 vault record with one signed prekey, as version 2 wrote it (no signature-format byte). */
    private static byte[] asVersionTwoRecord(byte[] record) {
        int header = 1 + 1 + 8 + 8 + 4 + 4;
        assertEquals(1, record[header], "one signed prekey");
        int formatByte = header + 1 + 4 + 8 + 32 + 32;
        byte[] out = new byte[record.length - 1];
        System.arraycopy(record, 0, out, 0, formatByte);
        System.arraycopy(record, formatByte + 1, out, formatByte, record.length - formatByte - 1);
        out[0] = 2;
        return out;
    }
}
