package im.sotto.protocol.ratchet;

import static im.sotto.protocol.ratchet.Pair.AD;
import static im.sotto.protocol.ratchet.Pair.expect;
import static im.sotto.protocol.ratchet.Pair.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import im.sotto.protocol.testing.DeterministicRandom;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Pins the stored bytes of the session record (docs/protocol.md, "Stored records"): a deterministic conversation
 * with held keys, an earlier receiving chain and a send log gives records whose length and SHA-256 were taken from
 * the codec before it moved onto the {@code wire} reader and writer. A change to the layout fails here before it
 * strands stored sessions.
 */
class SessionRecordLayoutTest {
    private static final String ALICE_SHA256 = "3d7f5d8c14480dfdc03fe59f5de38ffa3dac2597ce0e65946a5e2d72f3850989";
    private static final String BOB_SHA256 = "effda649935c3b946ff439e855ee371c0e3bba1d45730717f5f49d744d062756";
    private static final int ALICE_LENGTH = 444;
    private static final int BOB_LENGTH = 622;
    /** Version (1) ‖ suite (1) ‖ root key (32) ‖ own ratchet private key (32); then the public key of version 2. */
    private static final int PUBLIC_KEY_OFFSET = 66;

    @Test
    void recordsAreByteForByteTheLayoutStoredSessionsHave() throws Exception {
        Pair p = conversation();
        byte[] alice = p.alice.toRecord();
        byte[] bob = p.bob.toRecord();
        assertEquals(ALICE_LENGTH + " " + ALICE_SHA256, alice.length + " " + sha256(alice));
        assertEquals(BOB_LENGTH + " " + BOB_SHA256, bob.length + " " + sha256(bob));
    }

    @Test
    void aVersionOneRecordStillLoadsAndIsRewrittenAsVersionTwo() throws Exception {
        byte[] current = conversation().bob.toRecord();
        assertEquals(StateCodec.RECORD_VERSION, current[0]);
        // Version 1 is version 2 without the ratchet key's public half (recomputed from the private key on load).
        byte[] versionOne = new byte[current.length - 32];
        System.arraycopy(current, 0, versionOne, 0, PUBLIC_KEY_OFFSET);
        System.arraycopy(current, PUBLIC_KEY_OFFSET + 32, versionOne, PUBLIC_KEY_OFFSET,
                current.length - PUBLIC_KEY_OFFSET - 32);
        versionOne[0] = 1;
        Pair p = new Pair(1);
        byte[] upgraded = RatchetSession.fromRecord(versionOne, new DeterministicRandom("load"), p.clock).toRecord();
        assertArrayEquals(current, upgraded);
    }

    /** Alice sends five, Bob gets the first and the fifth (three keys held), replies twice, Alice answers once. */
    private static Pair conversation() {
        Pair p = new Pair(7);
        byte[][] sent = new byte[5][];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = p.alice.encrypt(text("a" + i), AD);
        }
        expect(p.bob, sent[0], "a0");
        expect(p.bob, sent[4], "a4");
        expect(p.alice, p.bob.encrypt(text("b0"), AD), "b0");
        expect(p.alice, p.bob.encrypt(text("b1"), AD), "b1");
        expect(p.bob, p.alice.encrypt(text("a5"), AD), "a5");
        return p;
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
