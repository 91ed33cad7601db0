package im.sotto.protocol.ratchet;

import static im.sotto.protocol.ratchet.Pair.AD;
import static im.sotto.protocol.ratchet.Pair.expect;
import static im.sotto.protocol.ratchet.Pair.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.crypto.DeterministicNonceAead;
import im.sotto.protocol.crypto.SealedBox;
import im.sotto.protocol.crypto.X25519;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The byte layout, the per-message overhead, and the strict parser. */
class WireFormatTest {
    /** version + type + header nonce + header (44) + header tag + payload tag. */
    static final int OVERHEAD = 1 + 1 + 12 + 44 + 16 + 16;
    /** The same with the 32-byte heartbeat key in the header, from message 50 of a chain on. */
    static final int HEARTBEAT_OVERHEAD = OVERHEAD + 32;

    private static DecryptResult undecryptable(DecryptResult.Reason reason) {
        return new DecryptResult.Undecryptable(reason);
    }

    @Test
    void overheadIsNinetyBytesAndOneHundredTwentyTwoInHeartbeatSubChains() {
        Pair p = new Pair(50);
        for (int n = 0; n < RatchetLimits.HEARTBEAT_INTERVAL + 2; n++) {
            byte[] plaintext = new byte[200];
            byte[] m = p.alice.encrypt(plaintext, AD);
            boolean heartbeat = n >= RatchetLimits.HEARTBEAT_INTERVAL;
            assertEquals(heartbeat ? HEARTBEAT_OVERHEAD : OVERHEAD, m.length - plaintext.length, "message " + n);
            assertEquals(0x01, m[0]);
            assertEquals(heartbeat ? 0x02 : 0x01, m[1]);
        }
    }

    @Test
    void layoutMatchesTheSpecification() {
        Pair p = new Pair(51);
        byte[] m = p.alice.encrypt(text("hello"), AD);
        HeaderKey hk = p.alice.state().sendingHeaderKey;
        byte[] nonce = Arrays.copyOfRange(m, 2, 14);
        byte[] headerCiphertext = Arrays.copyOfRange(m, 14, 14 + 60);
        byte[] header = hk.open(p.alice.suite(), new SealedBox(nonce, headerCiphertext), new byte[] {1, 1})
                .orElseThrow();
        assertArrayEquals(p.alice.state().ownRatchetKey.publicKey(), Arrays.copyOf(header, 32));
        assertArrayEquals(new byte[12], Arrays.copyOfRange(header, 32, 44)); // PN = 0, N = 0, ACK = 0
        expect(p.bob, m, "hello");
    }

    @Test
    void truncationsAtEveryLengthAreMalformed() {
        Pair p = new Pair(52);
        byte[] m = p.alice.encrypt(text("x"), AD);
        byte[] before = p.bob.toRecord();
        for (int len = 0; len < OVERHEAD; len++) {
            DecryptResult r = p.bob.decrypt(Arrays.copyOf(m, len), AD);
            assertEquals(undecryptable(DecryptResult.Reason.MALFORMED), r, "length " + len);
        }
        assertEquals(undecryptable(DecryptResult.Reason.MALFORMED), p.bob.decrypt(null, AD));
        assertArrayEquals(before, p.bob.toRecord());
        expect(p.bob, m, "x");
    }

    @Test
    void versionTypeAndSizeAreCheckedFirst() {
        Pair p = new Pair(53);
        byte[] m = p.alice.encrypt(text("x"), AD);
        for (int v : new int[] {0x00, 0x02, 0xff}) {
            byte[] b = m.clone();
            b[0] = (byte) v;
            assertEquals(undecryptable(DecryptResult.Reason.UNSUPPORTED_VERSION), p.bob.decrypt(b, AD));
        }
        for (int t : new int[] {0x00, 0x03, 0x80}) {
            byte[] b = m.clone();
            b[1] = (byte) t;
            assertEquals(undecryptable(DecryptResult.Reason.MALFORMED), p.bob.decrypt(b, AD));
        }
        byte[] swappedType = m.clone();
        swappedType[1] = 0x02; // header length no longer matches: the header AEAD fails
        assertTrue(p.bob.decrypt(swappedType, AD) instanceof DecryptResult.Undecryptable);
        byte[] oversized = Arrays.copyOf(m, WireMessage.MAX_LENGTH + 1);
        assertEquals(undecryptable(DecryptResult.Reason.MALFORMED), p.bob.decrypt(oversized, AD));
        // The payload runs to the end, so appended bytes cannot be told from an altered payload.
        assertEquals(undecryptable(DecryptResult.Reason.BAD_AUTH_TAG), p.bob.decrypt(Arrays.copyOf(m, m.length + 1), AD));
        expect(p.bob, m, "x");
    }

    /** Re-encrypts a genuine message's header after {@code edit}; the header is authentic, the content is not. */
    private static byte[] withHeader(byte[] m, HeaderKey hk, Pair p, byte type, java.util.function.Consumer<byte[]> edit) {
        int hlen = WireMessage.headerLength(m[1]) + 16;
        byte[] nonce = Arrays.copyOfRange(m, 2, 14);
        SealedBox box = new SealedBox(nonce, Arrays.copyOfRange(m, 14, 14 + hlen));
        byte[] header = hk.open(p.alice.suite(), box, new byte[] {1, m[1]})
                .orElseThrow();
        byte[] edited = Arrays.copyOf(header, WireMessage.headerLength(type));
        edit.accept(edited);
        // The attacker keeps the nonce (it salts the payload keys), which the header key's own API cannot do.
        byte[] sealed = new DeterministicNonceAead(p.alice.suite().aead(), hk.secret()).sealWithProtocolNonce(nonce,
                new byte[] {1, type}, edited);
        byte[] out = WireMessage.concat(WireMessage.prefix(type, nonce, sealed), Arrays.copyOfRange(m, 14 + hlen, m.length));
        return out;
    }

    @Test
    void authenticButInconsistentHeadersAreMalformed() {
        Pair p = new Pair(54);
        expect(p.bob, p.alice.encrypt(text("0"), AD), "0");
        expect(p.bob, p.alice.encrypt(text("1"), AD), "1");
        byte[] reply = p.bob.encrypt(text("r"), AD);
        HeaderKey bobHk = p.bob.state().sendingHeaderKey;
        byte[] aliceBefore = p.alice.toRecord();
        // A heartbeat key where none belongs (type 2 with N = 0), and none where one must be (type 1 with N = 50).
        assertEquals(undecryptable(DecryptResult.Reason.MALFORMED),
                p.alice.decrypt(withHeader(reply, bobHk, p, WireMessage.TYPE_HEARTBEAT_MESSAGE, h -> {}), AD));
        assertEquals(undecryptable(DecryptResult.Reason.MALFORMED), p.alice.decrypt(withHeader(reply, bobHk, p,
                WireMessage.TYPE_MESSAGE, h -> h[39] = (byte) RatchetLimits.HEARTBEAT_INTERVAL), AD));
        // A counter with the top bit set.
        assertEquals(undecryptable(DecryptResult.Reason.MALFORMED),
                p.alice.decrypt(withHeader(reply, bobHk, p, WireMessage.TYPE_MESSAGE, h -> h[36] = (byte) 0x80), AD));
        // A low-order ratchet key (all zero) opening a new chain.
        assertEquals(undecryptable(DecryptResult.Reason.MALFORMED), p.alice.decrypt(
                withHeader(reply, bobHk, p, WireMessage.TYPE_MESSAGE, h -> Arrays.fill(h, 0, X25519.KEY_LENGTH, (byte) 0)), AD));
        // A first chain that claims a predecessor.
        assertEquals(undecryptable(DecryptResult.Reason.MALFORMED),
                p.alice.decrypt(withHeader(reply, bobHk, p, WireMessage.TYPE_MESSAGE, h -> h[35] = 1), AD));
        assertArrayEquals(aliceBefore, p.alice.toRecord());
        expect(p.alice, reply, "r");

        // Bob's view: Alice's next chain claims PN = 1 although Bob received two messages of her previous chain.
        byte[] next = p.alice.encrypt(text("2"), AD);
        HeaderKey aliceHk = p.alice.state().sendingHeaderKey;
        byte[] bobBefore = p.bob.toRecord();
        assertEquals(undecryptable(DecryptResult.Reason.MALFORMED),
                p.bob.decrypt(withHeader(next, aliceHk, p, WireMessage.TYPE_MESSAGE, h -> h[35] = 1), AD));
        assertArrayEquals(bobBefore, p.bob.toRecord());
        expect(p.bob, next, "2");
    }

    @Test
    void acknowledgingUnsentMessagesIsMalformed() {
        Pair p = new Pair(55);
        expect(p.bob, p.alice.encrypt(text("0"), AD), "0");
        expect(p.alice, p.bob.encrypt(text("r"), AD), "r");
        p.alice.state().current.next += 3; // Alice now claims to have received four of Bob's one message
        byte[] lying = p.alice.encrypt(text("lie"), AD);
        byte[] before = p.bob.toRecord();
        assertEquals(undecryptable(DecryptResult.Reason.MALFORMED), p.bob.decrypt(lying, AD));
        assertArrayEquals(before, p.bob.toRecord());
    }
}
