package im.sotto.xmpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.OptionalInt;

import im.sotto.xmpp.envelope.EnvelopeCodec;
import im.sotto.xmpp.envelope.EnvelopeException;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.Test;

/**
 * A message read back from the log is sealed again as the same message: content, recipient, id, type and the user's
 * time, plus the mark naming its original id, which the receiver reads back (docs/protocol.md 7.3, "Sent again under
 * the new session").
 */
class ResentMarkTest {
    private static final Instant SENT = Instant.parse("2026-12-07T22:00:00.123Z");
    private static final EnvelopeCodec CODEC = new EnvelopeCodec(Clock.fixed(SENT.plusSeconds(600), ZoneOffset.UTC));

    @Test
    void aLoggedMessageIsSealedAgainWithItsIdTypeTimeAndTheMark() throws Exception {
        Message original = StanzaBuilder.buildMessage("m-42").to(JidCreate.from("bob@example.org/b"))
                .ofType(Message.Type.chat).setBody("hello <there> & you").build();
        byte[] logged = CODEC.seal(original, SENT);
        int carrier = ResentMark.carrier(original).getAsInt();

        EnvelopeCodec.SentMessage again = CODEC.reopenSent(logged, JidCreate.bareFrom("bob@example.org"), "m-42",
                ResentMark.type(carrier).orElseThrow(), ResentMark.xml("m-42"));
        assertEquals("hello <there> & you", again.message().getBody());
        assertEquals("m-42", again.message().getStanzaId());
        assertEquals(Message.Type.chat, again.message().getType());
        assertEquals(JidCreate.from("bob@example.org"), again.message().getTo(), "the log entry's peer");
        assertEquals(SENT.truncatedTo(java.time.temporal.ChronoUnit.SECONDS), again.sentAt(),
                "the time the user sent it (to the second, as the envelope carries it), not now");
        assertEquals(Optional.of("m-42"), ResentMark.originalId(again.message()));

        // Sealed again (a new resource is fine) and opened as the receiver would: the mark is inside.
        EntityFullJid aliceNow = JidCreate.entityFullFrom("alice@example.org/a2");
        byte[] resealed = CODEC.seal(again.message(), again.sentAt());
        Message outer = StanzaBuilder.buildMessage("m-42").to(JidCreate.from("bob@example.org/b")).from(aliceNow)
                .ofType(Message.Type.chat).build();
        Message opened = (Message) CODEC.open(resealed, outer).stanza();
        assertEquals(Optional.of("m-42"), ResentMark.originalId(opened));
        assertEquals("hello <there> & you", opened.getBody());
    }

    /** An envelope logged when envelopes still carried {@code <to/>} goes again to the JID it names. */
    @Test
    void aMessageLoggedWithARecipientAffixKeepsItsRecipient() throws Exception {
        Message original = StanzaBuilder.buildMessage("m-7").to(JidCreate.from("bob@example.org/b"))
                .ofType(Message.Type.chat).setBody("hi").build();
        byte[] logged = new String(CODEC.seal(original, SENT), java.nio.charset.StandardCharsets.UTF_8)
                .replace("</envelope>", "<to jid='bob@example.org/b'/></envelope>")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        EnvelopeCodec.SentMessage again = CODEC.reopenSent(logged, JidCreate.bareFrom("bob@example.org"), "m-7",
                Message.Type.chat, ResentMark.xml("m-7"));
        assertEquals(JidCreate.from("bob@example.org/b"), again.message().getTo());
        assertEquals("hi", again.message().getBody());
    }

    @Test
    void onlyMessagesAUserWroteWithAnIdAreKept() throws Exception {
        assertEquals(OptionalInt.empty(), ResentMark.carrier(StanzaBuilder.buildPresence("p1")
                .to(JidCreate.from("bob@example.org/b")).ofType(Presence.Type.available).build()));
        assertEquals(OptionalInt.empty(), ResentMark.carrier(StanzaBuilder.buildMessage("e1")
                .ofType(Message.Type.error).build()));
        assertEquals(OptionalInt.empty(), ResentMark.carrier(StanzaBuilder.buildMessage("g1")
                .ofType(Message.Type.groupchat).build()));
        for (Message.Type type : new Message.Type[] {Message.Type.normal, Message.Type.chat, Message.Type.headline}) {
            int carrier = ResentMark.carrier(StanzaBuilder.buildMessage("x").ofType(type).build()).getAsInt();
            assertEquals(Optional.of(type), ResentMark.type(carrier), "the carrier stands for its type");
        }
        assertTrue(ResentMark.type(3).isEmpty(), "a byte this version does not know");
    }

    @Test
    void aDamagedLogEntryIsRefusedNotGuessed() {
        assertThrows(EnvelopeException.class, () -> CODEC.reopenSent("<envelope/>".getBytes(
                java.nio.charset.StandardCharsets.UTF_8), JidCreate.bareFrom("bob@example.org"), "m",
                Message.Type.chat, ResentMark.xml("m")));
    }
}
