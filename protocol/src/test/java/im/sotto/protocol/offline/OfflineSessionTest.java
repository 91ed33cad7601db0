package im.sotto.protocol.offline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.ratchet.DecryptResult;
import im.sotto.protocol.ratchet.RatchetSession;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OfflineSessionTest {
    private static final byte[] AD = "alice@example.org -> bob@example.org".getBytes(StandardCharsets.UTF_8);
    private final SecureRandom random = new SecureRandom();
    private final OfflineParty.MovableClock clock = new OfflineParty.MovableClock();
    private final OfflineParty alice = new OfflineParty(random, clock);
    private final OfflineParty bob = new OfflineParty(random, clock);

    @Test
    void firstContactCarriesDataThenTheReplyProvesTheRecipient() throws Exception {
        OutgoingFirstMessage out = alice.sender().send(bob.publishedBundle(), RecipientKnowledge.unknown(),
                utf8("hello while you were away"), AD);
        assertFalse(out.authenticated(), "first contact to an unknown recipient is unauthenticated");

        IncomingFirstMessage.Accepted in = assertInstanceOf(IncomingFirstMessage.Accepted.class,
                bob.receive(out.message(), AD));
        assertArrayEquals(utf8("hello while you were away"), in.plaintext());
        assertEquals(alice.device.certificate(), in.sender());
        assertEquals(99, bob.vault.oneTimeCount(), "the one-time prekey is deleted at once");

        byte[] reply = FirstReply.seal(in.session(), bob.device, in.sender(), in.transcriptHash(), utf8("back now"),
                AD);
        FirstReply.Opened opened = FirstReply.open(out.session(), alice.device, out.pendingConfirmation(), reply, AD,
                random, clock);
        assertTrue(opened.confirmed(), () -> "reply not confirmed: " + opened.failure());
        assertEquals(bob.device.certificate(), opened.recipient());
        assertArrayEquals(utf8("back now"), opened.plaintext());

        RatchetSession aliceSession = opened.session();
        RatchetSession bobSession = in.session();
        for (int i = 0; i < 3; i++) {
            roundTrip(aliceSession, bobSession, "a" + i);
            roundTrip(bobSession, aliceSession, "b" + i);
        }
    }

    @Test
    void everySuiteWorksOffline() throws Exception {
        for (CipherSuite suite : OfflineParty.CLASSICAL) {
            FirstMessageSender sender = new FirstMessageSender(alice.device, List.of(suite), random, clock);
            OutgoingFirstMessage out = sender.send(bob.publishedBundle(), RecipientKnowledge.unknown(), utf8("x"),
                    AD);
            IncomingFirstMessage.Accepted in = assertInstanceOf(IncomingFirstMessage.Accepted.class,
                    bob.receive(out.message(), AD));
            assertEquals(suite, in.session().suite());
        }
    }

    @Test
    void pinnedRecipientIsAuthenticatedAndItsDeviceKeyIsMixedIn() throws Exception {
        OutgoingFirstMessage out = alice.sender().send(bob.publishedBundle(),
                RecipientKnowledge.pinned(bob.device.certificate()), utf8("known"), AD);
        assertTrue(out.authenticated());
        // Someone holding Bob's prekeys but not his device key cannot read it.
        OfflineParty impostor = new OfflineParty(random, clock);
        FirstMessageReceiver wrongDevice = new FirstMessageReceiver(impostor.device, random, clock);
        IncomingFirstMessage.Rejected r = assertInstanceOf(IncomingFirstMessage.Rejected.class,
                wrongDevice.receive(bob.vault, out.message(), AD));
        assertEquals(IncomingFirstMessage.Reason.TAMPERED, r.reason());
        assertInstanceOf(IncomingFirstMessage.Accepted.class, bob.receive(out.message(), AD));
    }

    @Test
    void bundleSignedByAnotherAccountIsRefusedForAPinnedRecipient() throws Exception {
        OfflineParty mallory = new OfflineParty(random, clock);
        BundleException e = assertThrows(BundleException.class, () -> alice.sender().send(
                mallory.publishedBundle(), RecipientKnowledge.pinned(bob.device.certificate()), utf8("x"), AD));
        assertEquals(BundleException.Kind.BAD_SIGNATURE, e.kind());
    }

    @Test
    void substitutedBundleIsExposedByTheReply() throws Exception {
        // The server hands Alice Mallory's bundle in Bob's name; Alice cannot tell (first contact) ...
        OfflineParty mallory = new OfflineParty(random, clock);
        OutgoingFirstMessage out = alice.sender().send(mallory.publishedBundle(), RecipientKnowledge.unknown(),
                utf8("for bob"), AD);
        IncomingFirstMessage.Accepted in = assertInstanceOf(IncomingFirstMessage.Accepted.class,
                mallory.receive(out.message(), AD));
        // ... and Mallory, replying with Bob's public certificate, cannot produce Bob's proof.
        byte[] fakeProof = FirstReply.seal(in.session(), withCertificateOf(mallory, bob), in.sender(),
                in.transcriptHash(), utf8("it's bob"), AD);
        FirstReply.Opened opened = FirstReply.open(out.session(), alice.device, out.pendingConfirmation(), fakeProof,
                AD, random, clock);
        assertEquals(FirstReply.Failure.PROOF_INVALID, opened.failure());
        // Replying as herself, she is confirmed as Mallory's account, which the caller compares with Bob's.
        byte[] honest = FirstReply.seal(in.session(), mallory.device, in.sender(), in.transcriptHash(), utf8("hi"),
                AD);
        FirstReply.Opened asMallory = FirstReply.open(out.session(), alice.device, out.pendingConfirmation(), honest,
                AD, random, clock);
        assertTrue(asMallory.confirmed());
        assertEquals(mallory.account.publicKey(), asMallory.recipient().accountKey());
    }

    @Test
    void oneTimePrekeyFirstMessageCannotBeReplayed() throws Exception {
        OutgoingFirstMessage out = alice.sender().send(bob.publishedBundle(), RecipientKnowledge.unknown(),
                utf8("once"), AD);
        assertInstanceOf(IncomingFirstMessage.Accepted.class, bob.receive(out.message(), AD));
        assertEquals(0, bob.vault.replayCacheSize(), "a one-time prekey needs no cache entry");
        PreKeyVault before = PreKeyVault.fromRecord(bob.vault.toRecord());
        IncomingFirstMessage.Rejected r = assertInstanceOf(IncomingFirstMessage.Rejected.class,
                bob.receive(out.message(), AD));
        assertEquals(IncomingFirstMessage.Reason.ONE_TIME_PREKEY_GONE, r.reason());
        assertArrayEquals(before.toRecord(), bob.vault.toRecord(), "a rejected replay changes nothing");
    }

    @Test
    void signedPrekeyOnlyFirstMessageIsCaughtByTheReplayCacheAcrossSaveAndLoad() throws Exception {
        OutgoingFirstMessage out = alice.sender().send(withoutOneTimeKeys(bob.publishedBundle()),
                RecipientKnowledge.unknown(), utf8("no one-time key left"), AD);
        assertInstanceOf(IncomingFirstMessage.Accepted.class, bob.receive(out.message(), AD));
        assertEquals(100, bob.vault.oneTimeCount());
        assertEquals(1, bob.vault.replayCacheSize());
        bob.vault = PreKeyVault.fromRecord(bob.vault.toRecord());
        IncomingFirstMessage.Rejected r = assertInstanceOf(IncomingFirstMessage.Rejected.class,
                bob.receive(out.message(), AD));
        assertEquals(IncomingFirstMessage.Reason.REPLAYED, r.reason());
    }

    @Test
    void everyAlteredByteIsRejectedAndChangesNothing() throws Exception {
        OutgoingFirstMessage out = alice.sender().send(bob.publishedBundle(), RecipientKnowledge.unknown(),
                utf8("integrity"), AD);
        byte[] good = out.message();
        byte[] before = bob.vault.toRecord();
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x01;
            IncomingFirstMessage r = bob.receiver().receive(bob.vault, bad, AD);
            assertInstanceOf(IncomingFirstMessage.Rejected.class, r, "byte " + i);
        }
        assertInstanceOf(IncomingFirstMessage.Rejected.class, bob.receiver().receive(bob.vault, good,
                utf8("other routing")), "associated data is bound");
        assertArrayEquals(before, bob.vault.toRecord());
        assertInstanceOf(IncomingFirstMessage.Accepted.class, bob.receive(good, AD));
    }

    @Test
    void garbageIsRejectedWithATypedReasonAndNeverThrows() {
        SecureRandom seeded = new im.sotto.protocol.testing.DeterministicRandom("first-message garbage");
        byte[] before = bob.vault.toRecord();
        Map<IncomingFirstMessage.Reason, Integer> reasons = new LinkedHashMap<>();
        for (int i = 0; i < 3000; i++) {
            byte[] junk = new byte[seeded.nextInt(400)];
            seeded.nextBytes(junk);
            if (junk.length > 3 && i % 2 == 0) {
                junk[0] = 1;
                junk[1] = 0x20;
                junk[2] = 1;
            }
            IncomingFirstMessage.Rejected r = assertInstanceOf(IncomingFirstMessage.Rejected.class,
                    bob.receiver().receive(bob.vault, junk, AD));
            reasons.merge(r.reason(), 1, Integer::sum);
        }
        assertArrayEquals(before, bob.vault.toRecord());
        assertTrue(reasons.containsKey(IncomingFirstMessage.Reason.MALFORMED), reasons.toString());
        assertTrue(reasons.containsKey(IncomingFirstMessage.Reason.UNKNOWN_SIGNED_PREKEY), reasons.toString());
    }

    static PreKeyBundle withoutOneTimeKeys(PreKeyBundle b) {
        return new PreKeyBundle(b.format(), b.versionBits(), b.suiteBits(), b.signedPreKeyId(), b.signedPreKey(),
                b.pqPreKey().orElse(null), b.signature(), Map.of());
    }

    private static im.sotto.protocol.identity.DeviceIdentity withCertificateOf(OfflineParty keyOwner,
            OfflineParty certOwner) throws Exception {
        java.lang.reflect.Constructor<im.sotto.protocol.identity.DeviceIdentity> c =
                im.sotto.protocol.identity.DeviceIdentity.class.getDeclaredConstructor(
                        im.sotto.protocol.crypto.X25519KeyPair.class, im.sotto.protocol.identity.DeviceCertificate.class);
        c.setAccessible(true);
        return c.newInstance(keyOwner.device.deviceKey(), certOwner.device.certificate());
    }

    private static void roundTrip(RatchetSession from, RatchetSession to, String text) {
        DecryptResult r = to.decrypt(from.encrypt(utf8(text), AD), AD);
        assertArrayEquals(utf8(text), assertInstanceOf(DecryptResult.Decrypted.class, r).plaintext());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
