package im.sotto.protocol.ratchet;

import im.sotto.protocol.crypto.DeterministicNonceAead;
import im.sotto.protocol.crypto.SealedBox;
import im.sotto.protocol.testing.DeterministicRandom;

import static im.sotto.protocol.ratchet.Pair.AD;
import static im.sotto.protocol.ratchet.Pair.expect;
import static im.sotto.protocol.ratchet.Pair.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.crypto.AuthenticationFailedException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Forced DH steps every {@link RatchetLimits#HEARTBEAT_INTERVAL} messages of a one-way stream. */
class HeartbeatTest {
    private static final int H = RatchetLimits.HEARTBEAT_INTERVAL;

    private static byte[][] stream(RatchetSession from, int count) {
        byte[][] out = new byte[count][];
        for (int i = 0; i < count; i++) {
            out[i] = from.encrypt(text("m" + i), AD);
        }
        return out;
    }

    private static Header header(HeaderKey hk, Pair p, byte[] m) throws Rejected {
        WireMessage w = WireMessage.parse(m);
        byte[] plain = hk.open(p.alice.suite(), new SealedBox(w.headerNonce, w.headerCiphertext),
                WireMessage.headerAssociatedData(w.type)).orElseThrow();
        return Header.decode(w.type, plain);
    }

    @Test
    void aFreshHeartbeatKeyEveryIntervalInAOneWayStream() throws Rejected {
        Pair p = new Pair(60);
        HeaderKey hk = p.alice.state().sendingHeaderKey;
        byte[][] m = stream(p.alice, 3 * H + 1);
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < m.length; i++) {
            Header h = header(hk, p, m[i]);
            assertEquals(i, h.messageNumber());
            assertEquals(i >= H, h.hasHeartbeat(), "message " + i);
            if (h.hasHeartbeat()) {
                keys.add(Arrays.toString(h.heartbeatKey()));
            }
            expect(p.bob, m[i], "m" + i);
        }
        assertEquals(3, keys.size(), "one key per sub-chain 1, 2, 3");
        assertTrue(p.bob.replyDue());
        expect(p.alice, p.bob.encrypt(new byte[0], AD), "");
        assertFalse(p.bob.replyDue());
    }

    @Test
    void stolenSenderChainKeyReadsTheCurrentSubChainButNotTheNext() throws Exception {
        Pair p = new Pair(61);
        byte[][] early = stream(p.alice, 10);
        RatchetState stolen = RatchetSession.fromRecord(p.alice.toRecord(), new DeterministicRandom("x"), p.clock)
                .state();
        byte[][] later = stream(p.alice, 2 * H);
        // The attacker runs the stolen chain key forward: message 10 + k has key position k.
        ChainKey ck = stolen.sendingChain;
        for (int k = 0; k < later.length; k++) {
            MessageKey mk = ck.messageKey(stolen.suite);
            ck = ck.next(stolen.suite);
            WireMessage w = WireMessage.parse(later[k]);
            MessageKey.PayloadKeys keys = mk.payloadKeys(stolen.suite, w.headerNonce, null);
            int n = 10 + k;
            DeterministicNonceAead thief = new DeterministicNonceAead(stolen.suite.aead(), keys.key());
            if (n < H) {
                byte[] plain = thief.open(keys.nonce(), w.payloadAssociatedData(AD),
                        w.payloadCiphertext);
                assertEquals("m" + k, new String(plain, java.nio.charset.StandardCharsets.UTF_8));
            } else {
                assertThrows(AuthenticationFailedException.class, () -> thief.open(keys.nonce(),
                        w.payloadAssociatedData(AD), w.payloadCiphertext), "message " + n);
            }
        }
        for (int k = 0; k < early.length; k++) {
            expect(p.bob, early[k], "m" + k);
        }
        for (int k = 0; k < later.length; k++) {
            expect(p.bob, later[k], "m" + k);
        }
    }

    @Test
    void aWholeLostSubChainCanArriveLaterAndOutOfOrder() {
        Pair p = new Pair(62);
        byte[][] m = stream(p.alice, 2 * H + 5);
        for (int i = 0; i < H - 1; i++) {
            expect(p.bob, m[i], "m" + i);
        }
        DecryptResult.Decrypted jump = expect(p.bob, m[2 * H + 2], "m" + (2 * H + 2));
        assertEquals(List.of(SequenceRange.of(H - 1, 2 * H + 1)), jump.newlyMissing());
        for (int i = 2 * H + 1; i >= H - 1; i--) {
            assertTrue(expect(p.bob, m[i], "m" + i).late());
        }
        expect(p.bob, m[2 * H + 4], "m" + (2 * H + 4));
        expect(p.bob, m[2 * H + 3], "m" + (2 * H + 3));
        assertEquals(List.of(), p.bob.missingFromPeer());
    }

    @Test
    void heldHeartbeatKeysSurviveAChainChangeAndSaveLoad() throws RatchetRecordException {
        Pair p = new Pair(63);
        byte[][] m = stream(p.alice, H + 5);
        expect(p.bob, m[H + 4], "m" + (H + 4));
        expect(p.alice, p.bob.encrypt(text("r"), AD), "r");
        expect(p.bob, p.alice.encrypt(text("new chain"), AD), "new chain");
        p.reload();
        for (int i = 0; i < H + 4; i++) {
            expect(p.bob, m[i], "m" + i);
        }
        byte[] before = p.bob.toRecord();
        assertEquals(DecryptResult.Duplicate.class, p.bob.decrypt(m[H + 1], AD).getClass());
        assertArrayEquals(before, p.bob.toRecord());
        assertEquals(List.of(), p.bob.missingFromPeer());
    }

    @Test
    void theNewChainAfterAReplyStartsWithoutHeartbeat() throws Rejected {
        Pair p = new Pair(64);
        byte[][] m = stream(p.alice, H + 1);
        for (int i = 0; i < m.length; i++) {
            expect(p.bob, m[i], "m" + i);
        }
        expect(p.alice, p.bob.encrypt(text("r"), AD), "r");
        HeaderKey hk = p.alice.state().sendingHeaderKey;
        byte[] next = p.alice.encrypt(text("n"), AD);
        Header h = header(hk, p, next);
        assertFalse(h.hasHeartbeat());
        assertEquals(H + 1, h.previousChainLength());
        assertEquals(H + 1, expect(p.bob, next, "n").sequence());
    }
}
