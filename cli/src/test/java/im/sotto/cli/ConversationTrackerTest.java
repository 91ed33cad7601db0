package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import im.sotto.protocol.session.LossReport;
import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.protocol.trust.TrustLevel;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SealedMessage;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SequenceRange;
import im.sotto.xmpp.SessionOrigin;

import org.junit.jupiter.api.Test;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

class ConversationTrackerTest {
    private static final Instant SENT = Instant.parse("2026-12-07T03:00:00Z");

    @Test
    void aLossReportMarksOurUnconfirmedLinesToThatContactNotDeliveredAndSaysSo() throws Exception {
        Conversations conversations = new Conversations(new InMemoryAccountStore());
        BareJid bob = JidCreate.bareFrom("bob@example.org");
        BareJid carol = JidCreate.bareFrom("carol@example.org");
        ConversationTracker atSending = ConversationTracker.detached(conversations, quiet(), Clock.fixed(SENT,
                ZoneOffset.UTC));
        Message toBob = atSending.sending(bob, message("to-bob", bob, "are you there"), "are you there");
        atSending.sending(carol, message("to-carol", carol, "hi carol"), "hi carol");
        atSending.sealed(new SealedMessage(bob, "to-bob", Map.of(7L, 0L)));
        atSending.sealed(new SealedMessage(carol, "to-carol", Map.of(7L, 0L)));
        assertEquals(List.of(HistoryLine.Mark.NONE), marks(conversations, bob));
        assertEquals("urn:xmpp:receipts", toBob.getExtensionElement("request", "urn:xmpp:receipts").getNamespace(),
                "the message asks for a receipt (inside the envelope, as the envelope carries every child)");

        ConversationTracker later = ConversationTracker.detached(conversations, quiet(), Clock.fixed(
                SENT.plus(LossReport.UNACKNOWLEDGED_AFTER).plusSeconds(1), ZoneOffset.UTC));
        List<String> said = new CopyOnWriteArrayList<>();
        later.onMark((peer, line) -> said.add(peer + " " + line.id() + " " + line.mark()));
        later.onEvent(new SecurityEvent.NotAcknowledged(bob, 7, SequenceRange.of(0, 0)));

        assertEquals(List.of("bob@example.org to-bob NOT_DELIVERED"), said);
        assertEquals(List.of(HistoryLine.Mark.NOT_DELIVERED), marks(conversations, bob));
        assertEquals(List.of(HistoryLine.Mark.NONE), marks(conversations, carol), "another contact is untouched");
    }

    /**
     * Five lines to bob, sealed for his phone (device 7) as messages 1 to 5 and for his laptop (8) as 11 to 15. The
     * phone's report names 2..3: exactly those two lines are not delivered. Decided per contact (as before), every
     * older unconfirmed line to bob would have been marked, including 1, which the phone did acknowledge.
     */
    @Test
    void aLossReportMarksExactlyTheLinesItNames() throws Exception {
        Conversations conversations = new Conversations(new InMemoryAccountStore());
        BareJid bob = JidCreate.bareFrom("bob@example.org");
        ConversationTracker tracker = tracker(conversations, SENT);
        for (int i = 1; i <= 5; i++) {
            tracker.sending(bob, message("m" + i, bob, "line " + i), "line " + i);
            tracker.sealed(new SealedMessage(bob, "m" + i, Map.of(7L, (long) i, 8L, 10L + i)));
        }
        ConversationTracker later = tracker(conversations, SENT.plus(Duration.ofMinutes(5)));
        List<String> said = new CopyOnWriteArrayList<>();
        later.onMark((peer, line) -> said.add(line.id()));

        later.onEvent(new SecurityEvent.NotAcknowledged(bob, 7, SequenceRange.of(2, 3)));
        assertEquals(List.of("m2", "m3"), said);
        assertEquals(List.of(HistoryLine.Mark.NONE, HistoryLine.Mark.NOT_DELIVERED, HistoryLine.Mark.NOT_DELIVERED,
                HistoryLine.Mark.NONE, HistoryLine.Mark.NONE), marks(conversations, bob));

        // The laptop's numbers are its own: its report of 14..15 is about the last two lines, not about 2..3 again.
        said.clear();
        later.onEvent(new SecurityEvent.NotAcknowledged(bob, 8, SequenceRange.of(14, 15)));
        assertEquals(List.of("m4", "m5"), said);
    }

    /**
     * A report that names only messages without a line (the empty confirmation of a new session, a heartbeat) marks
     * nothing: before, any report marked every older unconfirmed line of the contact.
     */
    @Test
    void aReportAboutAnEmptyMessageMarksNoLine() throws Exception {
        Conversations conversations = new Conversations(new InMemoryAccountStore());
        BareJid bob = JidCreate.bareFrom("bob@example.org");
        ConversationTracker tracker = tracker(conversations, SENT);
        tracker.sending(bob, message("m1", bob, "hello"), "hello");
        tracker.sealed(new SealedMessage(bob, "m1", Map.of(7L, 1L)));   // message 0 was the empty confirmation
        tracker.sending(bob, message("queued", bob, "still waiting"), "still waiting");   // never sealed

        tracker(conversations, SENT.plus(Duration.ofMinutes(5)))
                .onEvent(new SecurityEvent.NotAcknowledged(bob, 7, SequenceRange.of(0, 0)));
        assertEquals(List.of(HistoryLine.Mark.NONE, HistoryLine.Mark.NONE), marks(conversations, bob));
    }

    /**
     * Numbers start again from 0 in a new session with the same device: a report about the newest session (numbers
     * 1..2) marks its lines and none of the older session's lines that carry the same numbers.
     */
    @Test
    void aReportStopsAtTheStartOfTheSessionItIsAbout() throws Exception {
        Conversations conversations = new Conversations(new InMemoryAccountStore());
        BareJid bob = JidCreate.bareFrom("bob@example.org");
        ConversationTracker tracker = tracker(conversations, SENT);
        long[] numbers = {1, 2, 3, 1, 2};   // an old session's 1..3, then a new session's 1..2
        for (int i = 0; i < numbers.length; i++) {
            tracker.sending(bob, message("m" + i, bob, "line " + i), "line " + i);
            tracker.sealed(new SealedMessage(bob, "m" + i, Map.of(7L, numbers[i])));
        }
        tracker(conversations, SENT.plus(Duration.ofMinutes(5)))
                .onEvent(new SecurityEvent.NotAcknowledged(bob, 7, SequenceRange.of(1, 2)));
        assertEquals(List.of(HistoryLine.Mark.NONE, HistoryLine.Mark.NONE, HistoryLine.Mark.NONE,
                HistoryLine.Mark.NOT_DELIVERED, HistoryLine.Mark.NOT_DELIVERED), marks(conversations, bob));
    }

    private static ConversationTracker tracker(Conversations conversations, Instant now) {
        return ConversationTracker.detached(conversations, quiet(), Clock.fixed(now, ZoneOffset.UTC));
    }

    /**
     * Issue #19, the same history on both of alice's devices: her laptop reads the copy of what her phone sent bob.
     * Before, the laptop logged it as a line received from alice herself (her address and trust tag, unread, at the
     * time the laptop caught up) where the phone logged "me"; now both log "me" at the time it was sent, and bob's
     * receipt, which reaches both devices, marks it delivered on each.
     */
    @Test
    void aCopyOfWhatAnotherOwnDeviceSentIsLoggedAsOursAndBobsReceiptMarksIt() throws Exception {
        BareJid bob = JidCreate.bareFrom("bob@example.org");
        Conversations onPhone = new Conversations(new InMemoryAccountStore());
        tracker(onPhone, SENT).sending(bob, message("m1", bob, "lunch?"), "lunch?");
        onPhone.mark(bob, "m1", HistoryLine.Mark.DELIVERED);

        Conversations onLaptop = new Conversations(new InMemoryAccountStore());
        Message copy = StanzaBuilder.buildMessage("m1").from(JidCreate.from("alice@example.org/phone"))
                .to(bob).ofType(Message.Type.chat).setBody("lunch?").build();
        tracker(onLaptop, SENT.plus(Duration.ofHours(2))).onStanza(new DecryptedStanza(copy, bob, 11,
                Optional.empty(), TrustLevel.UNVERIFIED, true, true, Optional.empty(),
                SessionOrigin.OFFLINE_FIRST_MESSAGE, SENT, Optional.empty()));
        assertEquals(0, onLaptop.unread(bob), "our own line is not unread");
        onLaptop.mark(bob, "m1", HistoryLine.Mark.DELIVERED);

        assertEquals(shown(onPhone, bob), shown(onLaptop, bob));
        assertEquals(List.of("03:00:00 me: lunch?  \u2713"), shown(onLaptop, bob));
    }

    private static List<String> shown(Conversations conversations, BareJid peer) {
        return conversations.recent(peer, 10).stream().map(l -> l.shown(LocalDate.of(2026, 12, 7), ZoneOffset.UTC))
                .toList();
    }

    private static Message message(String id, BareJid to, String body) {
        return StanzaBuilder.buildMessage(id).to(to).ofType(Message.Type.chat).setBody(body).build();
    }

    private static List<HistoryLine.Mark> marks(Conversations conversations, BareJid peer) {
        return conversations.recent(peer, 10).stream().map(HistoryLine::mark).toList();
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
