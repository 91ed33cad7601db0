package im.sotto.protocol.offline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.ratchet.RatchetRecordException;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.testing.DeterministicRandom;
import im.sotto.protocol.testing.FuzzCorpus;
import im.sotto.protocol.wire.MalformedInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Fuzz tests of the offline-session parsers (docs/reliability.md, "Fuzzing"): bundles, first messages, first
 * replies, the prekey vault's record and the pending confirmation. Parsers throw only their typed exceptions;
 * receivers never throw and never change the state they were given.
 */
class OfflineFuzzTest {
    private static final CipherSuite HYBRID = CipherSuite.X25519MLKEM768_AESGCM_SHA256;
    private static final byte[] AD = "alice@example.org/a|bob@example.org/b".getBytes();
    private static final OfflineParty.MovableClock CLOCK = new OfflineParty.MovableClock();
    private static final OfflineParty ALICE = new OfflineParty(new DeterministicRandom("fuzz offline alice"), CLOCK);
    private static final OfflineParty BOB = new OfflineParty(new DeterministicRandom("fuzz offline bob"), CLOCK);
    /** Bob's vault offers the classical suites and the hybrid one, so both kinds of first message are accepted. */
    private static final PreKeyVault VAULT = PreKeyVault.create(BOB.account,
            Set.of(HYBRID, CipherSuite.X25519_AESGCM_SHA256, CipherSuite.X25519_CHACHAPOLY_SHA256),
            PreKeyPolicy.defaults(), new DeterministicRandom("fuzz offline vault"), CLOCK.instant());
    private static final byte[] VAULT_RECORD = VAULT.toRecord();
    /** Alice's side of a session started from Bob's bundle, waiting for his first reply. */
    private static final OutgoingFirstMessage SENT = send(List.of(CipherSuite.X25519_AESGCM_SHA256),
            RecipientKnowledge.unknown(), "sent");
    private static final byte[] SENT_SESSION = SENT.session().toRecord();

    private static OutgoingFirstMessage send(List<CipherSuite> suites, RecipientKnowledge recipient, String seed) {
        try {
            return new FirstMessageSender(ALICE.device, suites, new DeterministicRandom("fuzz offline send " + seed),
                    CLOCK).send(VAULT.bundle(), recipient, new byte[] {1, 2, 3}, AD);
        } catch (BundleException e) {
            throw new AssertionError(e);
        }
    }

    @FuzzTest
    void bundle(byte[] data) {
        PreKeyBundle bundle;
        try {
            bundle = PreKeyBundle.parse(data);
        } catch (BundleException expected) {
            return;
        }
        // Re-encoding gives the same bytes, suite bits this version does not know included: a bundle from a newer
        // device may list a newer suite, and the signature (format 2) covers the byte as published.
        assertArrayEquals(data, bundle.encode(), "a bundle that parses re-encodes to the same bytes");
        try {
            bundle.verify(BOB.account.publicKey());
        } catch (BundleException expected) {
            // Not signed by Bob: a typed outcome.
        }
    }

    @FuzzTest
    void firstMessage(byte[] data) {
        IncomingFirstMessage result = new FirstMessageReceiver(BOB.device, new DeterministicRandom("fuzz receiver"),
                CLOCK).receive(VAULT, data, AD);
        assertNotNull(result);
        assertArrayEquals(VAULT_RECORD, VAULT.toRecord(), "receiving works on a copy of the vault");
    }

    @FuzzTest
    void firstReply(byte[] data) throws RatchetRecordException {
        RatchetSession session = RatchetSession.fromRecord(SENT_SESSION, new DeterministicRandom("fuzz reply"), CLOCK);
        FirstReply.Opened opened = FirstReply.open(session, ALICE.device, SENT.pendingConfirmation(), data, AD,
                new DeterministicRandom("fuzz open"), CLOCK);
        assertNotNull(opened);
        assertArrayEquals(SENT_SESSION, session.toRecord(), "opening a reply works on a copy of the session");
    }

    @FuzzTest
    void vaultRecord(byte[] data) {
        PreKeyVault vault;
        try {
            vault = PreKeyVault.fromRecord(data);
        } catch (PreKeyRecordException expected) {
            return;
        }
        // The decoder accepts one-time prekeys in any id order and keeps them sorted, so a loaded record is
        // re-encoded in canonical order; the canonical form itself must be stable (docs/reliability.md, "Fuzzing").
        byte[] canonical = vault.toRecord();
        try {
            assertArrayEquals(canonical, PreKeyVault.fromRecord(canonical).toRecord(),
                    "a re-encoded vault record loads and re-encodes to the same bytes");
        } catch (PreKeyRecordException e) {
            throw new AssertionError("a vault re-encoded a record it cannot load", e);
        }
    }

    @FuzzTest
    void pendingConfirmation(byte[] data) {
        PendingConfirmation pending;
        try {
            pending = PendingConfirmation.decode(data);
        } catch (MalformedInputException expected) {
            return;
        }
        byte[] encoded = pending.encode();
        if (data[0] == 1) {
            // Version 1 (written for format-1 bundles) is read and re-encoded as version 2, which is stable.
            try {
                assertArrayEquals(encoded, PendingConfirmation.decode(encoded).encode(), "version 2 is stable");
            } catch (MalformedInputException e) {
                throw new AssertionError("a pending confirmation re-encoded to bytes it cannot read", e);
            }
            return;
        }
        assertArrayEquals(data, encoded, "a pending confirmation that decodes re-encodes to the same bytes");
    }

    @Test
    void seedCorpusIsCurrent() throws Exception {
        FuzzCorpus.assertCurrent("protocol", OfflineFuzzTest.class, seeds());
    }

    static Map<String, Map<String, byte[]>> seeds() throws Exception {
        Map<String, Map<String, byte[]>> seeds = new LinkedHashMap<>();
        seeds.put("bundle", Map.of("classical", BOB.vault.bundle().encode(), "hybrid", VAULT.bundle().encode(),
                "format1-hybrid", FormatOneWriter.bundle(VAULT, BOB.account).encode()));

        Map<String, byte[]> first = new LinkedHashMap<>();
        first.put("classical", SENT.message());
        first.put("chacha", send(List.of(CipherSuite.X25519_CHACHAPOLY_SHA256), RecipientKnowledge.unknown(), "chacha")
                .message());
        first.put("hybrid", send(List.of(HYBRID), RecipientKnowledge.unknown(), "hybrid").message());
        first.put("pinned", send(List.of(CipherSuite.X25519_AESGCM_SHA256),
                RecipientKnowledge.pinned(BOB.device.certificate()), "pinned").message());
        seeds.put("firstMessage", first);

        IncomingFirstMessage.Accepted in = assertInstanceOf(IncomingFirstMessage.Accepted.class,
                new FirstMessageReceiver(BOB.device, new DeterministicRandom("fuzz receiver"), CLOCK)
                        .receive(VAULT, SENT.message(), AD));
        byte[] reply = FirstReply.seal(in.session(), BOB.device, in.sender(), in.transcriptHash(), new byte[] {4},
                AD);
        seeds.put("firstReply", Map.of("reply", reply, "format1-reply", FormatOneWriter.reply(in.session(),
                BOB.device, in.sender(), in.transcriptHash(), new byte[] {4}, AD)));
        RatchetSession session = RatchetSession.fromRecord(SENT_SESSION, new DeterministicRandom("fuzz reply"), CLOCK);
        if (!FirstReply.open(session, ALICE.device, SENT.pendingConfirmation(), reply, AD,
                new DeterministicRandom("fuzz open"), CLOCK).confirmed()) {
            throw new AssertionError("the genuine reply is not confirmed in the fuzz target's setting");
        }

        Map<String, byte[]> vaults = new LinkedHashMap<>();
        vaults.put("fresh", VAULT_RECORD);
        vaults.put("after-first-message", in.vault().toRecord());
        seeds.put("vaultRecord", vaults);

        Map<String, byte[]> pending = new LinkedHashMap<>();
        pending.put("classical", SENT.pendingConfirmation().encode());
        pending.put("hybrid", send(List.of(HYBRID), RecipientKnowledge.unknown(), "hybrid").pendingConfirmation()
                .encode());
        seeds.put("pendingConfirmation", pending);
        return seeds;
    }
}
