package im.sotto.protocol.ratchet;

import static im.sotto.protocol.ratchet.Pair.AD;
import static im.sotto.protocol.ratchet.Pair.expect;
import static im.sotto.protocol.ratchet.Pair.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;

import im.sotto.protocol.session.Loss;
import im.sotto.protocol.session.LossReport;
import im.sotto.protocol.session.SessionOrigin;
import im.sotto.protocol.session.SessionRecord;
import im.sotto.protocol.trust.BareJid;

import org.junit.jupiter.api.Test;

/**
 * Loss reports name content only: an empty message (a heartbeat, a session's confirmation) that the peer never
 * acknowledged is nothing a user wrote, so neither the overdue report nor the report at a session's replacement
 * names it (issue #23: a replaced session's unanswered confirmation was reported as {@code NotAcknowledged 0..0}).
 */
class ContentOnlyLossTest {
    private static final BareJid ALICE = BareJid.parse("alice@example.org");
    private static final byte[] EMPTY = new byte[0];

    @Test
    void anUnansweredConfirmationIsNotReportedWhenItsSessionIsReplaced() {
        Pair p = new Pair(40);
        expect(p.bob, p.alice.encrypt(EMPTY, AD), "");
        p.bob.encrypt(EMPTY, AD);  // bob's confirmation, lost on the way (or alice died): never acknowledged
        p.clock.advance(Duration.ofMinutes(10));

        assertEquals(Optional.empty(), p.bob.unacknowledgedContent());
        assertEquals(Optional.empty(), p.bob.unacknowledgedOlderThan(Duration.ZERO));
        assertEquals(Optional.empty(), replaced(p.bob, p.clock));
    }

    @Test
    void onlyContentIsNamedAmongEmptyMessages() {
        Pair p = new Pair(41);
        p.alice.encrypt(EMPTY, AD);            // 0: the first ratchet message, empty
        p.alice.encrypt(text("one"), AD);      // 1
        p.alice.encrypt(EMPTY, AD);            // 2: a heartbeat
        p.alice.encrypt(text("three"), AD);    // 3
        p.alice.encrypt(EMPTY, AD);            // 4
        p.clock.advance(Duration.ofMinutes(10));

        assertEquals(Optional.of(SequenceRange.of(1, 3)), p.alice.unacknowledgedContent());
        assertEquals(Optional.of(SequenceRange.of(1, 3)), p.alice.unacknowledgedOlderThan(Duration.ofMinutes(1)));
        assertEquals(Optional.of(new Loss.NotAcknowledged(ALICE, 7, SequenceRange.of(1, 3))), replaced(p.alice,
                p.clock));
    }

    @Test
    void acknowledgedContentLeavesOnlyTheEmptyTailWhichIsNotReported() {
        Pair p = new Pair(42);
        byte[] one = p.alice.encrypt(text("one"), AD);
        expect(p.bob, one, "one");
        expect(p.alice, p.bob.encrypt(EMPTY, AD), "");   // acknowledges 0
        p.alice.encrypt(EMPTY, AD);                        // 1: a heartbeat nobody acknowledged
        p.clock.advance(Duration.ofMinutes(10));

        assertEquals(Optional.empty(), p.alice.unacknowledgedContent());
        assertEquals(Optional.empty(), replaced(p.alice, p.clock));
    }

    @Test
    void theContentOnlyLogSurvivesTheRecord() throws RatchetRecordException {
        Pair p = new Pair(43);
        p.alice.encrypt(EMPTY, AD);
        p.alice.encrypt(text("one"), AD);
        RatchetSession reloaded = RatchetSession.fromRecord(p.alice.toRecord(), new SecureRandom(), p.clock);
        assertEquals(Optional.of(SequenceRange.of(1, 1)), reloaded.unacknowledgedContent());
    }

    private static Optional<Loss> replaced(RatchetSession session, MutableClock clock) {
        byte[] record = SessionRecord.builder(SessionOrigin.ONLINE_HANDSHAKE, session.toRecord()).build().encode();
        return LossReport.unacknowledgedInReplaced(ALICE, 7, Optional.of(record), new SecureRandom(), clock);
    }
}
