package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;

import im.sotto.xmpp.SealedMessage;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SequenceRange;

import org.junit.jupiter.api.Test;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

/** The kill test's books, from event lines as the parties record them. */
class KillAccountingTest {

    /**
     * Issue #23: the printout said -1 when no session was replaced (the first session made by a bob that died
     * before reporting it). Counted from the side that is never killed, none replaced is 0, and each session after
     * the first is one replacement.
     */
    @Test
    void sessionsReplacedIsNeverNegativeAndCountsEverySessionAfterTheFirst() {
        assertEquals(0, KillAccounting.sessionsReplaced(List.of()));
        assertEquals(0, KillAccounting.sessionsReplaced(List.of("SessionEstablished[peer=bob@x, deviceId=1]",
                "MessagesMissing[peer=bob@x, ranges=[3..4]]")));
        assertEquals(2, KillAccounting.sessionsReplaced(List.of("SessionEstablished[peer=bob@x, deviceId=1]",
                "SessionHealed[peer=bob@x, deviceId=1]", "ArrivedLate[sequence=3]",
                "SessionEstablished[peer=bob@x, deviceId=1]")));
    }

    /**
     * Issue #23, the bob → alice "silent" losses: the books were read while the receiver had not yet processed the
     * sender's last messages (alice's worker busy with an archive pass). Counted then, the tail in flight was lost
     * silently; the books now take the deliveries only once the sender's end marker, sent after everything, is among
     * them, and count nothing lost when the tail did arrive.
     */
    @Test
    void theBooksAreReadOnlyAfterTheSendersEndMarkerArrived() {
        List<String> sent = List.of("m1", "m2", "m3", "m4", "m5");
        List<String> soFar = List.of("m1", "m2");   // m3..m5 and the end marker still queued at the receiver
        assertEquals(3, KillAccounting.direction(sent, soFar, List.of("SessionEstablished[x]")).lostSilently(),
                "what the books said when read too early");
        assertThrows(IllegalStateException.class, () -> KillAccounting.afterEndMarker(soFar, "end"));
        List<String> complete = List.of("m1", "m2", "m3", "m4", "m5", "end");
        KillAccounting.Direction books = KillAccounting.direction(sent, KillAccounting.afterEndMarker(complete, "end"),
                List.of("SessionEstablished[x]"));
        assertEquals(5, books.delivered());
        assertEquals(0, books.lostSilently());
        // A message really lost before the marker is still counted: the marker does not hide a loss.
        assertEquals(1, KillAccounting.direction(sent, KillAccounting.afterEndMarker(List.of("m1", "m2", "m4", "m5",
                "end"), "end"), List.of("SessionEstablished[x]")).lostSilently());
    }

    /** A gap reported and then filled by a late arrival is not counted missing; sequence numbers count per session. */
    @Test
    void aGapThatArrivedLateIsNotMissingAndSequencesCountPerSession() {
        KillAccounting.Direction books = KillAccounting.direction(List.of("m1", "m2", "m3", "m4"),
                List.of("m1", "m2", "m4"), List.of("SessionEstablished[x]", "MessagesMissing[ranges=[1..2]]",
                        "ArrivedLate[sequence=1]", "SessionHealed[x]", "MessagesMissing[ranges=[1..1]]"));
        assertEquals(3, books.delivered());
        assertEquals(2, books.reportedMissing()); // session 1: #2; session 2: #1
        assertEquals(1, books.late());
        assertEquals(0, books.lostSilently());
    }

    /**
     * Issue #23 (the ejabberd kill run): messages the sender's user was told were never acknowledged (a replaced
     * session) are reported, not lost silently. Session numbers start again in a new session: a report of 3..4 that
     * comes after the new session's first message still names the old session's m3 and m4, never the new m6.
     */
    @Test
    void messagesNamedInANotAcknowledgedReportCountAsReportedNotSilent() {
        BareJid bob = JidCreate.bareFromOrThrowUnchecked("bob@x");
        KillAccounting.SenderLedger ledger = new KillAccounting.SenderLedger();
        for (int n = 1; n <= 4; n++) {
            ledger.sealed(new SealedMessage(bob, "id" + n, Map.of(7L, (long) n)));
        }
        ledger.sealed(new SealedMessage(bob, "id5", Map.of(7L, 1L)));   // the new session
        ledger.event(new SecurityEvent.NotAcknowledged(bob, 7, SequenceRange.of(3, 4)));
        ledger.sealed(new SealedMessage(bob, "id6", Map.of(7L, 2L)));
        assertEquals(Set.of("id3", "id4"), ledger.notAcknowledged());

        Map<String, String> bodies = Map.of("id3", "m3", "id4", "m4");
        Set<String> told = new java.util.HashSet<>();
        ledger.notAcknowledged().forEach(id -> told.add(bodies.get(id)));
        KillAccounting.Direction books = KillAccounting.direction(List.of("m1", "m2", "m3", "m4", "m5", "m6"),
                List.of(), told, List.of("m1", "m2", "m5"), List.of("SessionEstablished[x]"));
        assertEquals(3, books.delivered());
        assertEquals(2, books.toldSender());
        assertEquals(2, books.reportedMissing());
        assertEquals(1, books.lostSilently());   // m6: sent, never delivered, never reported
        // Without the sender's reports the books count all three as silent, as in the rel23b run.
        assertEquals(3, KillAccounting.direction(List.of("m1", "m2", "m3", "m4", "m5", "m6"), List.of(),
                List.of("m1", "m2", "m5"), List.of("SessionEstablished[x]")).lostSilently());
    }

    /**
     * The receiver's log keeps what DeliveredOnce withheld (logged before the decision): an original and its copy
     * sent again under a new session were shown once, in either order; a second original or a second copy twice.
     */
    @Test
    void anOriginalAndItsCopyInTheLogCountOnceButTwoOfEitherKindTwice() {
        var original = new KillAccounting.Logged("a2b-1.", false);
        var copy = new KillAccounting.Logged("a2b-1.", true);
        var other = new KillAccounting.Logged("a2b-2.", false);
        assertEquals(List.of("a2b-1.", "a2b-2."), KillAccounting.shownFromLog(List.of(original, other, copy)));
        assertEquals(List.of("a2b-1.", "a2b-2."), KillAccounting.shownFromLog(List.of(copy, other, original)));
        assertEquals(List.of("a2b-1.", "a2b-1."), KillAccounting.shownFromLog(List.of(original, original)));
        assertEquals(List.of("a2b-1.", "a2b-1."), KillAccounting.shownFromLog(List.of(copy, original, copy)));
        KillAccounting.Direction books = KillAccounting.direction(List.of("a2b-1.", "a2b-2."),
                KillAccounting.shownFromLog(List.of(original, copy, other)), List.of());
        assertEquals(0, books.duplicates());
        assertEquals(2, books.delivered());
    }
}
