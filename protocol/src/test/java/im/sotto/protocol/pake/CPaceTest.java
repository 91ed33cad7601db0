package im.sotto.protocol.pake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.testing.DeterministicRandom;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The public CPace API: agreement, disagreement on any input, strict parsing, single use. */
class CPaceTest {
    private final SecureRandom random = new DeterministicRandom("cpace api");
    private static final byte[] PASSWORD = utf8("correct horse");
    private static final byte[] CI = utf8("alice@example.org/phone bob@example.org/laptop");
    private static final byte[] SID = utf8("0123456789abcdef");

    @Test
    void bothSidesDeriveTheSameKeyAndSeeEachOthersData() throws Exception {
        CPace a = CPace.initiator(PASSWORD, CI, SID, utf8("ADa"), random);
        CPace b = CPace.responder(PASSWORD, CI, SID, utf8("ADb"), random);
        CPaceResult ra = a.finish(b.message());
        CPaceResult rb = b.finish(a.message());
        assertTrue(ra.isk().equalsSecret(rb.isk()));
        assertEquals(64, ra.isk().length());
        assertArrayEquals(ra.sidOutput(), rb.sidOutput());
        assertArrayEquals(utf8("ADb"), ra.peerAssociatedData());
        assertArrayEquals(utf8("ADa"), rb.peerAssociatedData());
    }

    @Test
    void symmetricPartiesAgreeWhoeverSpeaksFirst() throws Exception {
        CPace a = CPace.symmetric(PASSWORD, CI, SID, utf8("one"), random);
        CPace b = CPace.symmetric(PASSWORD, CI, SID, utf8("two"), random);
        assertTrue(a.finish(b.message()).isk().equalsSecret(b.finish(a.message()).isk()));
    }

    @Test
    void anyDifferentInputGivesDifferentKeys() throws Exception {
        assertFalse(agree(utf8("wrong horse"), CI, SID));
        assertFalse(agree(PASSWORD, utf8("other channel"), SID));
        assertFalse(agree(PASSWORD, CI, utf8("other session")));
    }

    @Test
    void tamperedAssociatedDataGivesDifferentKeys() throws Exception {
        CPace a = CPace.initiator(PASSWORD, CI, SID, utf8("ADa"), random);
        CPace b = CPace.responder(PASSWORD, CI, SID, utf8("ADb"), random);
        byte[] fromA = a.message();
        fromA[fromA.length - 1] ^= 1;
        assertFalse(a.finish(b.message()).isk().equalsSecret(b.finish(fromA).isk()));
    }

    @Test
    void malformedMessagesAreRejected() {
        byte[] share = new byte[32];
        share[0] = 9; // the base point: a valid share
        byte[][] bad = {
            {},
            {0x20},
            CPaceEncoding.concat(CPaceEncoding.prependLen(new byte[31]), CPaceEncoding.prependLen(new byte[0])),
            CPaceEncoding.concat(CPaceEncoding.prependLen(new byte[33]), CPaceEncoding.prependLen(new byte[0])),
            CPaceEncoding.concat(CPaceEncoding.lvCat(share, new byte[0]), new byte[] {0}),
            CPaceEncoding.concat(CPaceEncoding.prependLen(share), new byte[] {(byte) 0x80, 0x00}),
            CPaceEncoding.concat(CPaceEncoding.prependLen(share), new byte[] {0x05, 1, 2}),
            CPaceEncoding.lvCat(share, new byte[CPace.MAX_ASSOCIATED_DATA_LENGTH + 1]),
        };
        for (byte[] message : bad) {
            CPace a = CPace.initiator(PASSWORD, CI, SID, new byte[0], random);
            PakeException e = assertThrows(PakeException.class, () -> a.finish(message), Arrays.toString(message));
            assertEquals(PakeException.Kind.MALFORMED, e.kind());
        }
    }

    @Test
    void largestAssociatedDataIsAccepted() throws Exception {
        byte[] ad = new byte[CPace.MAX_ASSOCIATED_DATA_LENGTH];
        CPace a = CPace.initiator(PASSWORD, CI, SID, ad, random);
        CPace b = CPace.responder(PASSWORD, CI, SID, new byte[0], random);
        assertArrayEquals(ad, b.finish(a.message()).peerAssociatedData());
    }

    @Test
    void aPartyFinishesOnlyOnceEvenAfterFailing() throws Exception {
        CPace a = CPace.initiator(PASSWORD, CI, SID, new byte[0], random);
        CPace b = CPace.responder(PASSWORD, CI, SID, new byte[0], random);
        a.finish(b.message());
        assertThrows(IllegalStateException.class, () -> a.finish(b.message()));

        CPace c = CPace.initiator(PASSWORD, CI, SID, new byte[0], random);
        assertThrows(PakeException.class, () -> c.finish(new byte[] {1}));
        assertThrows(IllegalStateException.class, () -> c.finish(b.message()));
    }

    @Test
    void emptyPasswordAndOversizedOwnDataAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> CPace.initiator(new byte[0], CI, SID, new byte[0], random));
        assertThrows(IllegalArgumentException.class, () -> CPace.initiator(PASSWORD, CI, SID,
                new byte[CPace.MAX_ASSOCIATED_DATA_LENGTH + 1], random));
    }

    @Test
    void lengthPrefixesOfTwoBytesRoundTrip() throws Exception {
        byte[] ad = new byte[300];
        byte[] message = CPaceEncoding.lvCat(new byte[32], ad);
        assertEquals(1 + 32 + 2 + 300, message.length);
        assertArrayEquals(ad, CPaceEncoding.readMessage(message, 32, 1024)[1]);
    }

    private boolean agree(byte[] passwordB, byte[] ciB, byte[] sidB) throws Exception {
        CPace a = CPace.initiator(PASSWORD, CI, SID, new byte[0], random);
        CPace b = CPace.responder(passwordB, ciB, sidB, new byte[0], random);
        return a.finish(b.message()).isk().equalsSecret(b.finish(a.message()).isk());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
