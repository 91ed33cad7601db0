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

import im.sotto.protocol.store.InMemoryAccountStore;

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
        otherVersion[0] = 2;
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
        conversations.sent(bob, "too-recent", "four", AT.plusSeconds(120));

        assertEquals(HistoryLine.Mark.DELIVERED, conversations.mark(bob, "confirmed", HistoryLine.Mark.DELIVERED)
                .orElseThrow().mark());
        assertTrue(conversations.mark(bob, "theirs", HistoryLine.Mark.DELIVERED).isEmpty(),
                "a peer cannot have one of its own lines shown as our delivered one");
        assertTrue(conversations.mark(bob, "unknown", HistoryLine.Mark.DELIVERED).isEmpty());
        List<HistoryLine> lost = conversations.lost(bob, AT.plusSeconds(60));
        assertEquals(List.of("lost"), lost.stream().map(HistoryLine::id).toList(),
                "only our unconfirmed line sent before the report's horizon");
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
