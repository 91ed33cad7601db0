package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

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
}
