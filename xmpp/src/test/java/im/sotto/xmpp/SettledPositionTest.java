package im.sotto.xmpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Where an archive pass may move the stored position (protocol.md 7.5, "Position"). */
class SettledPositionTest {
    private static final Instant T = Instant.parse("2026-12-07T12:00:00Z");
    private static final long LOG_END = 500;

    private final SettledPosition settled = new SettledPosition(Duration.ofSeconds(30));

    @Test
    void aPassWhoseResultsAreAllRecentLeavesThePositionWhereItWas() {
        settled.beginPass();
        settled.seen("a", T, 10);
        settled.seen("b", T.plusSeconds(29), 11);
        assertTrue(settled.settled(() -> LOG_END, T).isEmpty());
    }

    @Test
    void thePositionTrailsTheNewestResultByTheSettleTimeOnTheServersClock() {
        settled.beginPass();
        settled.seen("a", T, 10);
        settled.seen("b", T.plusSeconds(5), 11);
        settled.seen("c", T.plusSeconds(20), 12);
        settled.seen("d", T.plusSeconds(35), 13);
        ArchivePosition at = settled.settled(() -> LOG_END, T).orElseThrow();
        assertEquals("b", at.archiveId());
        assertEquals(T.plusSeconds(5), at.markedAt());
        assertEquals(12, at.logSequence(), "the lowest log floor of what lies after the position");
    }

    @Test
    void aQuietArchiveSettlesByTheClockOnceItsNewestResultIsOldEnough() {
        settled.beginPass();
        settled.seen("a", T, 10);
        settled.seen("b", T.plusSeconds(10), 11);
        assertTrue(settled.settled(() -> LOG_END, T.plusSeconds(39)).map(ArchivePosition::archiveId)
                .filter("a"::equals).isPresent());
        assertEquals("b", settled.settled(() -> LOG_END, T.plusSeconds(40)).orElseThrow().archiveId());
    }

    @Test
    void theLogSequenceIsNoLaterThanAnyStanzaAfterThePositionThatWasProcessed() {
        settled.beginPass();
        settled.seen("a", T, 40);
        settled.seen("late", T.plusSeconds(40), 7);   // processed live long before the pass
        settled.seen("own", T.plusSeconds(41), SettledPosition.NO_LOG_BOUND);
        assertEquals(7, settled.settled(() -> LOG_END, T).orElseThrow().logSequence());
    }

    @Test
    void withNothingAfterThePositionTheLogEndBoundsIt() {
        SettledPosition immediate = new SettledPosition(Duration.ZERO);
        immediate.beginPass();
        immediate.seen("a", T, SettledPosition.NO_LOG_BOUND);
        assertEquals(new ArchivePosition("a", T, LOG_END), immediate.settled(() -> LOG_END, T).orElseThrow());
    }

    @Test
    void aNewPassForgetsWhatThePreviousOneSawButTheRunRemembersWhatItProcessed() {
        settled.processed("x", 3);
        settled.beginPass();
        settled.seen("a", T, 10);
        settled.beginPass();
        assertTrue(settled.settled(() -> LOG_END, T).isEmpty());
        assertEquals(Optional.of(3L), settled.processedInRun("x"));
        assertEquals(Optional.empty(), settled.processedInRun("a"));
    }
}
