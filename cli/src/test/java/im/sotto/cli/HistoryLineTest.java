package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;


import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.xmpp.SequenceRange;

import org.junit.jupiter.api.Test;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

class HistoryLineTest {
    private static final Instant AT = Instant.parse("2026-12-07T03:04:05Z");
    private static final LocalDate TODAY = LocalDate.of(2026, 12, 7);

    @Test
    void aLineSurvivesItsEncodingAndIsReadStrictly() {
        HistoryLine line = new HistoryLine(HistoryLine.Direction.SENT, HistoryLine.Mark.DELIVERED, AT, "m-1", "me",
                "hello \u00e9");
        byte[] encoded = line.encode();
        assertEquals(line, assertDecodes(encoded));
        byte[] otherVersion = encoded.clone();
        otherVersion[0] = 3;
        byte[] badDirection = encoded.clone();
        badDirection[1] = 3;
        byte[] badMark = encoded.clone();
        badMark[2] = 9;
        for (byte[] bad : List.of(otherVersion, badDirection, badMark, Arrays.copyOf(encoded, encoded.length - 1),
                Arrays.copyOf(encoded, encoded.length + 1), new byte[0])) {
            assertThrows(HistoryLine.Malformed.class, () -> HistoryLine.decode(bad), Arrays.toString(bad));
        }
    }

    @Test
    void theSequenceNumbersPerDeviceAreKeptAndAVersion1LineIsStillRead() throws Exception {
        HistoryLine line = new HistoryLine(HistoryLine.Direction.SENT, HistoryLine.Mark.NONE, AT, "m-1", "me", "hi",
                Map.of(9L, 4L, 3L, 0L));
        byte[] encoded = line.encode();
        assertEquals(HistoryLine.VERSION, encoded[0]);
        assertEquals(line, assertDecodes(encoded));
        assertEquals(List.of(3L, 9L), List.copyOf(assertDecodes(encoded).sequences().keySet()), "ascending");

        // The same line as version 1 wrote it: without the last part.
        HistoryLine plain = new HistoryLine(HistoryLine.Direction.SENT, HistoryLine.Mark.NONE, AT, "m-1", "me", "hi");
        byte[] v2 = plain.encode();
        byte[] v1 = Arrays.copyOf(v2, v2.length - 2);
        v1[0] = HistoryLine.VERSION_WITHOUT_SEQUENCES;
        assertEquals(plain, assertDecodes(v1));

        // Strict: device ids out of order or twice, a negative number, a count beyond the bytes.
        byte[] descending = encoded.clone();
        int first = encoded.length - 32;
        System.arraycopy(encoded, first + 16, descending, first, 16);
        System.arraycopy(encoded, first, descending, first + 16, 16);
        byte[] negative = encoded.clone();
        negative[encoded.length - 8] = (byte) 0x80;
        byte[] tooMany = encoded.clone();
        tooMany[first - 1] = 3;
        for (byte[] bad : List.of(descending, negative, tooMany)) {
            assertThrows(HistoryLine.Malformed.class, () -> HistoryLine.decode(bad), Arrays.toString(bad));
        }
    }

    @Test
    void aPeersTextCannotForgeALineOrAMarkOnTheScreen() {
        HistoryLine forged = new HistoryLine(HistoryLine.Direction.RECEIVED, HistoryLine.Mark.NONE, AT, "m-2",
                "[UNVERIFIED] bob@example.org/phone", "hi\n03:04:06 me: I owe bob 100 EUR  \u2713\u001b[2J");
        String shown = forged.shown(TODAY, ZoneOffset.UTC);
        assertFalse(shown.contains("\n") || shown.contains("\u001b"), shown);
        assertTrue(shown.startsWith("03:04:05 [UNVERIFIED] bob@example.org/phone: hi\\n"), shown);
        assertTrue(new HistoryLine(HistoryLine.Direction.SENT, HistoryLine.Mark.NONE, AT.minus(Duration.ofDays(1)),
                "m-3", "me", "old").shown(TODAY, ZoneOffset.UTC).startsWith("2026-12-06 03:04:05 me: old"),
                "a line of another day names the day");
    }

    @Test
    void aReceiptMarksOurLineDeliveredAndALossReportDoesNotUndoIt() throws Exception {
        Conversations conversations = new Conversations(new InMemoryAccountStore());
        BareJid bob = JidCreate.bareFrom("bob@example.org");
        conversations.sent(bob, "confirmed", "one", AT);
        conversations.sent(bob, "lost", "two", AT);
        conversations.received(bob, "theirs", "[UNVERIFIED] bob@example.org/phone", "three", AT, false);
        conversations.sent(bob, "not-named", "four", AT.plusSeconds(120));
        conversations.sealed(bob, "confirmed", Map.of(7L, 1L));
        conversations.sealed(bob, "lost", Map.of(7L, 2L));
        conversations.sealed(bob, "not-named", Map.of(7L, 3L));

        assertEquals(HistoryLine.Mark.DELIVERED, conversations.mark(bob, "confirmed", HistoryLine.Mark.DELIVERED)
                .orElseThrow().mark());
        assertTrue(conversations.mark(bob, "theirs", HistoryLine.Mark.DELIVERED).isEmpty(),
                "a peer cannot have one of its own lines shown as our delivered one");
        assertTrue(conversations.mark(bob, "unknown", HistoryLine.Mark.DELIVERED).isEmpty());
        List<HistoryLine> lost = conversations.lost(bob, 7, SequenceRange.of(1, 2));
        assertEquals(List.of("lost"), lost.stream().map(HistoryLine::id).toList(),
                "only our unconfirmed line among those the report names");
        assertEquals(List.of(HistoryLine.Mark.DELIVERED, HistoryLine.Mark.NOT_DELIVERED, HistoryLine.Mark.NONE,
                HistoryLine.Mark.NONE), conversations.recent(bob, 10).stream().map(HistoryLine::mark).toList());
        assertEquals(HistoryLine.Mark.DELIVERED, conversations.mark(bob, "lost", HistoryLine.Mark.DELIVERED)
                .orElseThrow().mark(), "a late receipt still counts");
    }

    @Test
    void linesFromAContactAreUnreadUntilAChatWithItShowsThem() throws Exception {
        Conversations conversations = new Conversations(new InMemoryAccountStore());
        BareJid bob = JidCreate.bareFrom("bob@example.org");
        BareJid carol = JidCreate.bareFrom("carol@example.org");
        conversations.received(bob, "b-1", "[UNVERIFIED] bob@example.org/phone", "one", AT, false);
        conversations.received(bob, "b-2", "[UNVERIFIED] bob@example.org/phone", "two", AT, false);
        conversations.sent(bob, "mine", "ours is never unread", AT);
        conversations.received(carol, "c-1", "[UNVERIFIED] carol@example.org/x", "three", AT, false);
        conversations.received(carol, "c-2", "[UNVERIFIED] carol@example.org/x", "shown as it came", AT, true);
        assertEquals(2, conversations.unread(bob));
        assertEquals(1, conversations.unread(carol));
        conversations.read(bob);
        assertEquals(0, conversations.unread(bob));
        assertEquals(1, conversations.unread(carol), "another contact's lines stay unread");
    }

    private static HistoryLine assertDecodes(byte[] encoded) {
        try {
            return HistoryLine.decode(encoded);
        } catch (HistoryLine.Malformed e) {
            throw new AssertionError(e);
        }
    }
}
