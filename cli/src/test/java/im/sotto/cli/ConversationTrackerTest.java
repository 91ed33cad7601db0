package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import im.sotto.protocol.ratchet.SequenceRange;
import im.sotto.protocol.session.LossReport;
import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.xmpp.SecurityEvent;

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
