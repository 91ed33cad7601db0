package im.sotto.xmpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import im.sotto.protocol.session.OutboundRecord;
import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.xmpp.SendFailure;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

/** The one typed outbound queue: old rows migrate, failed messages stay listed without blocking, drop removes. */
class OutboxQueueTest {
    private static final Instant SENT = Instant.parse("2026-12-07T01:00:00Z");
    private final InMemoryAccountStore store = new InMemoryAccountStore();
    private final SottoAccount account = SottoAccount.open(store, new SecureRandom(),
            Clock.fixed(SENT, ZoneOffset.UTC));
    private final List<SecurityEvent> events = new ArrayList<>();
    private final SendQueue queue = new SendQueue(account, events::add);
    private final BareJid carol = JidCreate.bareFromOrThrowUnchecked("carol@example.net");

    private Message chat(String body) {
        return StanzaBuilder.buildMessage("id-" + body).to(carol).ofType(Message.Type.chat).setBody(body).build();
    }

    private long persist(Message message) {
        return store.transact(s -> SendQueue.persist(s, carol, message, SENT));
    }

    /** Rows the three old writers left: both stanza kinds are read, the CLI's outbox message becomes a chat message. */
    @Test
    void rowsOfTheThreePrefixedKindsAreReadAndTheCliOutboxIsMigrated() {
        long[] ids = store.transact(s -> new long[] {
            s.outboundQueue().enqueue(carol.toString(), OutboundRecord.Legacy.STANZA.row(chat("old").toXML()
                    .toString())),
            s.outboundQueue().enqueue(carol.toString(), OutboundRecord.Legacy.UNACKNOWLEDGED.row(
                    "<message to='carol@example.net' id='sent'><encrypted xmlns='urn:sotto:0'/></message>")),
            s.outboundQueue().enqueue(carol.toString(), OutboundRecord.Legacy.CLI_MESSAGE.row("from the cli outbox")),
        });
        List<OutboxEntry> listed = SottoOutbox.list(account, Optional.of(carol));
        assertEquals(List.of(ids[0], ids[2]), listed.stream().map(OutboxEntry::id).toList(),
                "the encrypted copy was sent: it is not listed as waiting");
        assertTrue(listed.stream().allMatch(e -> e.sentAt().isEmpty()), "old rows have no time");

        queue.restore();
        List<SendQueue.Pending> restored = queue.takeAll(carol);
        assertEquals(List.of("old", "from the cli outbox"),
                restored.stream().map(p -> ((Message) p.stanza()).getBody()).toList());
        assertEquals(List.of(ids[0], ids[2]), restored.stream().map(SendQueue.Pending::durableId).toList());
        assertEquals(Message.Type.chat, ((Message) restored.get(1).stanza()).getType());
        byte[] migrated = store.transact(s -> s.outboundQueue().pending(carol.toString()).get(2).stanza());
        assertTrue(OutboundRecord.decode(migrated) instanceof OutboundRecord.Waiting,
                "the CLI row is written back typed, under the same id");
        assertTrue(events.isEmpty(), events.toString());
    }

    /**
     * Kept failed: a message that may go later stays listed with its reason and the time the user sent it; one that
     * can never go is dropped; neither stays in memory, so nothing queued blocks the next message.
     */
    @Test
    void aFailedMessageStaysListedWithItsReasonAndBlocksNothing() throws Exception {
        queue.keepFailed = true;
        long later = persist(chat("for later"));
        long never = persist(chat("never"));
        queue.restore();
        assertEquals(Optional.of(SENT), queue.sentAt(later), "its envelope will say when the user sent it");
        CompletableFuture<Void> first = new CompletableFuture<>();
        queue.fail(carol, new SendQueue.Pending(chat("for later"), first, later), SendFailure.PEER_HAS_NO_SOTTO,
                "no bundle");
        queue.fail(carol, new SendQueue.Pending(chat("never"), new CompletableFuture<Void>(), never),
                SendFailure.UNSUPPORTED_STANZA, "too large");
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, first::get);
        assertTrue(((SottoSendException) e.getCause()).stillQueued());

        List<OutboxEntry> listed = SottoOutbox.list(account, Optional.empty());
        assertEquals(1, listed.size(), listed.toString());
        OutboxEntry entry = listed.get(0);
        assertEquals(later, entry.id());
        assertEquals(Optional.of(SENT), entry.sentAt());
        assertEquals(Optional.of("PEER_HAS_NO_SOTTO"), entry.lastFailure());
        assertEquals(Optional.of("no bundle"), entry.detail());

        queue.takeAll(carol);
        long next = persist(chat("next"));
        queue.restore();
        assertEquals(List.of(later, next), queue.takeAll(carol).stream().map(SendQueue.Pending::durableId).toList(),
                "tried again at the next restore, the next message beside it, not behind a wall");
    }

    /**
     * A password mismatch is not kept even when failed messages are: trying it again at every login would be one more
     * online guess each time, for whoever answers.
     */
    @Test
    void aPasswordMismatchIsNeverKeptForAnotherGuess() {
        queue.keepFailed = true;
        long id = persist(chat("guarded"));
        queue.fail(carol, new SendQueue.Pending(chat("guarded"), new CompletableFuture<Void>(), id),
                SendFailure.PASSWORD_MISMATCH, "the contact password did not match");
        assertTrue(SottoOutbox.list(account, Optional.empty()).isEmpty());
        queue.restore();
        assertTrue(queue.takeAll(carol).isEmpty(), "nothing comes back to be tried again");
    }

    /** A directed presence (a rendezvous) is news of the moment: not kept when it fails, not listed while it waits. */
    @Test
    void aPresenceIsNeitherKeptNorListed() {
        queue.keepFailed = true;
        org.jivesoftware.smack.packet.Presence presence = StanzaBuilder.buildPresence("p").to(carol).build();
        long id = store.transact(s -> SendQueue.persist(s, carol, presence, SENT));
        assertTrue(SottoOutbox.list(account, Optional.empty()).isEmpty(), "a waiting presence is no message");
        queue.fail(carol, new SendQueue.Pending(presence, new CompletableFuture<Void>(), id),
                SendFailure.PEER_HAS_NO_SOTTO, "no bundle");
        int left = store.transact(s -> s.outboundQueue().pending(carol.toString()).size());
        assertEquals(0, left, "dropped and reported, as without keeping");
    }

    /** Without keepFailed (a library's default) a failed stanza leaves the store, as before. */
    @Test
    void withoutKeepingAFailedMessageIsDropped() {
        long id = persist(chat("x"));
        queue.fail(carol, new SendQueue.Pending(chat("x"), new CompletableFuture<Void>(), id),
                SendFailure.PEER_HAS_NO_SOTTO, "no bundle");
        assertTrue(SottoOutbox.list(account, Optional.empty()).isEmpty());
    }

    @Test
    void dropRemovesAWaitingMessageButNotAnEncryptedCopy() {
        long waiting = persist(chat("drop me"));
        long copy = store.transact(s -> s.outboundQueue().enqueue(carol.toString(), OutboundRecord.encode(
                new OutboundRecord.Unacknowledged("<message to='carol@example.net' id='c'/>"))));
        assertFalse(SottoOutbox.drop(account, copy), "an encrypted copy awaiting its acknowledgement is not dropped");
        assertTrue(SottoOutbox.drop(account, waiting));
        assertFalse(SottoOutbox.drop(account, waiting));
        assertTrue(SottoOutbox.list(account, Optional.empty()).isEmpty());
        int left = store.transact(s -> s.outboundQueue().pending(carol.toString()).size());
        assertEquals(1, left);
    }
}
