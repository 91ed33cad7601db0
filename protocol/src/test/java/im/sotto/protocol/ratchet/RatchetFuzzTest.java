package im.sotto.protocol.ratchet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.testing.DeterministicRandom;
import im.sotto.protocol.testing.FuzzCorpus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fuzz tests of the Double Ratchet's parsers (docs/reliability.md, "Fuzzing"): a live session decrypts anything
 * to a {@link DecryptResult} without throwing and changes only when it decrypted; a session record loads or throws
 * {@link RatchetRecordException}, and a record that loads re-encodes to the same bytes.
 */
class RatchetFuzzTest {
    /** A conversation with a held (skipped) key and a completed DH ratchet step on each side. */
    private static final Conversation LIVE = new Conversation();

    private static final class Conversation {
        final Pair pair = new Pair(0x5077_F022L);
        final Map<String, byte[]> toBob = new LinkedHashMap<>();
        final byte[] bobRecord;
        final byte[] aliceRecord;

        Conversation() {
            byte[] m0 = pair.alice.encrypt(Pair.text("m0"), Pair.AD);
            byte[] m1 = pair.alice.encrypt(Pair.text("m1"), Pair.AD);
            byte[] m2 = pair.alice.encrypt(Pair.text("m2"), Pair.AD);
            Pair.expect(pair.bob, m0, "m0");
            Pair.expect(pair.bob, m2, "m2");
            byte[] r0 = pair.bob.encrypt(Pair.text("r0"), Pair.AD);
            Pair.expect(pair.alice, r0, "r0");
            bobRecord = pair.bob.toRecord();
            aliceRecord = pair.alice.toRecord();
            toBob.put("late", m1);
            toBob.put("duplicate", m2);
            toBob.put("next-chain", pair.alice.encrypt(Pair.text("a0"), Pair.AD));
            toBob.put("next-chain-second", pair.alice.encrypt(Pair.text("a1"), Pair.AD));
        }
    }

    @FuzzTest
    void decrypt(byte[] data) throws RatchetRecordException {
        RatchetSession bob = RatchetSession.fromRecord(LIVE.bobRecord, new DeterministicRandom("fuzz bob"),
                LIVE.pair.clock);
        DecryptResult result = bob.decrypt(data, Pair.AD);
        assertNotNull(result);
        if (!(result instanceof DecryptResult.Decrypted)) {
            assertArrayEquals(LIVE.bobRecord, bob.toRecord(), () -> "a message that did not decrypt changed the "
                    + "session: " + result);
        }
    }

    @FuzzTest
    void sessionRecord(byte[] data) {
        RatchetSession session;
        try {
            session = RatchetSession.fromRecord(data, new DeterministicRandom("fuzz record"), LIVE.pair.clock);
        } catch (RatchetRecordException expected) {
            return;
        }
        byte[] reencoded = session.toRecord();
        if (data.length > 0 && data[0] == StateCodec.RECORD_VERSION) {
            assertArrayEquals(data, reencoded, "a current record that loads re-encodes to the same bytes");
        } else {
            // An older record (version 1, without the public key) loads and is written in the current version.
            try {
                assertArrayEquals(reencoded, RatchetSession.fromRecord(reencoded, new DeterministicRandom("again"),
                        LIVE.pair.clock).toRecord(), "the upgraded record is stable");
            } catch (RatchetRecordException e) {
                throw new AssertionError("an upgraded record does not load", e);
            }
        }
    }

    @Test
    void seedCorpusIsCurrent() {
        FuzzCorpus.assertCurrent("protocol", RatchetFuzzTest.class, seeds());
    }

    static Map<String, Map<String, byte[]>> seeds() {
        Conversation c = new Conversation();
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("bob-live", c.bobRecord);
        records.put("alice-live", c.aliceRecord);
        Pair fresh = new Pair(CipherSuite.X25519_CHACHAPOLY_SHA256, 7);
        records.put("responder-fresh", fresh.bob.toRecord());
        records.put("initiator-fresh", fresh.alice.toRecord());
        assertInstanceOf(DecryptResult.Decrypted.class, c.pair.bob.decrypt(c.toBob.get("late"), Pair.AD));
        records.put("bob-after-late", c.pair.bob.toRecord());
        Map<String, Map<String, byte[]>> seeds = new LinkedHashMap<>();
        seeds.put("decrypt", c.toBob);
        seeds.put("sessionRecord", records);
        return seeds;
    }
}
