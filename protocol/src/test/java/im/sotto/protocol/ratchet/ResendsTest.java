package im.sotto.protocol.ratchet;

import static im.sotto.protocol.ratchet.Pair.AD;
import static im.sotto.protocol.ratchet.Pair.expect;
import static im.sotto.protocol.ratchet.Pair.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import im.sotto.protocol.session.Loss;
import im.sotto.protocol.session.LossReport;
import im.sotto.protocol.session.Resends;
import im.sotto.protocol.session.SessionOrigin;
import im.sotto.protocol.session.SessionRecord;
import im.sotto.protocol.trust.BareJid;

import org.junit.jupiter.api.Test;

/**
 * What a replaced session's peer never acknowledged is owed to the new session, in order, once; only what is not
 * sent again is reported {@code NotAcknowledged} (docs/protocol.md 7.3, "Sent again under the new session"; issue #23
 * item 1: before, all of it was only reported, and lost).
 */
class ResendsTest {
    private static final BareJid BOB = BareJid.parse("bob@example.org");
    private static final byte[] EMPTY = new byte[0];
    private static final int CHAT = 1;

    /** Alice's session as she stores it: each content message remembered with its (made-up) log entry 100 + n. */
    private static SessionRecord sending(RatchetSession alice, SessionRecord record, String text) {
        long sequence = alice.sentCount();
        SessionRecord remembered = record.withResends(record.resends().afterSending(sequence, 100 + sequence, CHAT,
                alice.acknowledgedByPeer()));
        alice.encrypt(text.isEmpty() ? EMPTY : text(text), AD);
        return remembered.withRatchet(alice.toRecord());
    }

    @Test
    void aSessionThePeerNeverHadOwesAllItsContentInOrderAndReportsNothing() {
        Pair p = new Pair(50);
        SessionRecord record = SessionRecord.builder(SessionOrigin.OFFLINE_FIRST_MESSAGE, p.alice.toRecord()).build();
        record = sending(p.alice, record, "one");     // 0 (bob never got the session: nothing acknowledged)
        record = sending(p.alice, record, "");        // 1: a heartbeat, not content: never remembered
        SessionRecord stored = record;
        record = record.withRatchet(p.alice.toRecord());
        record = sending(p.alice, stored, "two");     // 2

        Resends owed = Resends.owedAfterReplacing(Optional.of(record.encode()), new SecureRandom(), p.clock);
        assertEquals(List.of(new Resends.Owed(100, CHAT), new Resends.Owed(101, CHAT), new Resends.Owed(102, CHAT)),
                owed.owed(), "as remembered, in order");
        assertEquals(Optional.empty(), LossReport.unacknowledgedInReplaced(BOB, 7, Optional.of(record.encode()),
                new SecureRandom(), p.clock), "nothing reported lost: all of it goes out again");
    }

    @Test
    void acknowledgedContentIsNotOwedAndIsForgottenAtTheNextSend() {
        Pair p = new Pair(51);
        SessionRecord record = SessionRecord.builder(SessionOrigin.ONLINE_HANDSHAKE, p.alice.toRecord()).build();
        byte[] one = p.alice.encrypt(text("one"), AD);   // sent before the remembering started: not in the list
        record = record.withRatchet(p.alice.toRecord());
        expect(p.bob, one, "one");
        record = sending(p.alice, record, "two");          // 1
        expect(p.alice, p.bob.encrypt(EMPTY, AD), "");     // bob acknowledges 0 (he has not seen two yet)
        record = record.withRatchet(p.alice.toRecord());
        record = sending(p.alice, record, "three");        // 2
        assertEquals(List.of(101L, 102L), record.resends().sent().stream().map(Resends.Sent::logSequence).toList());

        Resends owed = Resends.owedAfterReplacing(record, p.alice);
        assertEquals(List.of(new Resends.Owed(101, CHAT), new Resends.Owed(102, CHAT)), owed.owed());
    }

    @Test
    void whatIsBeyondTheBoundIsReportedAsBeforeTheRestIsOwed() {
        Pair p = new Pair(52);
        SessionRecord record = SessionRecord.builder(SessionOrigin.OFFLINE_FIRST_MESSAGE, p.alice.toRecord()).build();
        for (int i = 0; i < Resends.MAX_SENT + 3; i++) {
            record = sending(p.alice, record, "m" + i);
        }
        assertEquals(Resends.MAX_SENT, record.resends().sent().size(), "bounded");
        Resends owed = Resends.owedAfterReplacing(record, p.alice);
        assertEquals(Resends.MAX_SENT, owed.owed().size());
        assertEquals(103, owed.owed().get(0).logSequence(), "the oldest three went");
        Optional<Loss> reported = LossReport.unacknowledgedInReplaced(BOB, 7, Optional.of(record.encode()),
                new SecureRandom(), p.clock);
        assertEquals(Optional.of(new Loss.NotAcknowledged(BOB, 7, SequenceRange.of(0, 2))), reported,
                "only the three not sent again are reported");
    }

    @Test
    void owedEntriesSurviveTheRecordAndAChainOfReplacementsOnce() {
        Pair p = new Pair(53);
        SessionRecord first = sending(p.alice, SessionRecord.builder(SessionOrigin.OFFLINE_FIRST_MESSAGE,
                p.alice.toRecord()).build(), "one");
        Resends owedOnce = Resends.owedAfterReplacing(Optional.of(first.encode()), new SecureRandom(), p.clock);
        SessionRecord second = SessionRecord.builder(SessionOrigin.ONLINE_HANDSHAKE, new Pair(54).alice.toRecord())
                .build().replacing(Optional.of(first.encode()), Instant.EPOCH).withResends(owedOnce);
        SessionRecord decoded = SessionRecord.decode(second.encode());
        assertEquals(owedOnce, decoded.resends(), "kept in the record (version 4)");
        assertTrue(decoded.previous().entries().get(0).session().resends().sent().isEmpty(),
                "a replaced session kept for receiving owes nothing itself");
        // Replaced again before it carried content: still owed once, not twice.
        Resends owedTwice = Resends.owedAfterReplacing(Optional.of(second.encode()), new SecureRandom(), p.clock);
        assertEquals(List.of(new Resends.Owed(100, CHAT)), owedTwice.owed());
        assertEquals(List.of(), owedTwice.owedSent(100).owed(), "sent again: gone");
    }

    @Test
    void aCarrierMustFitItsByte() {
        assertThrows(IllegalArgumentException.class, () -> new Resends.Owed(1, 256));
    }
}
