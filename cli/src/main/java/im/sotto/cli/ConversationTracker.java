package im.sotto.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.EncryptedReceipts;
import im.sotto.xmpp.SealedMessage;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SottoListener;
import im.sotto.xmpp.SottoManager;

import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.packet.Message;
import org.jxmpp.jid.BareJid;

/**
 * Keeps the conversation log of a logged-in command: each message shown from a contact and each one sent is
 * recorded (encrypted, in the store), a copy of what another device of ours sent as our own line; an end-to-end
 * receipt marks ours delivered, a loss report marks the ones it
 * names (by their number in a device's session, kept with the line as it is encrypted) not delivered. Commands that show lines ({@code chat}, {@code listen}) learn each change of a mark. A store
 * that cannot be written loses the line, said once on {@code progress}, and the conversation goes on.
 */
final class ConversationTracker implements SottoListener {
    private final Conversations conversations;
    private final PrintStream progress;
    private final Clock clock;
    /** The receipts answered for this tracker's manager; null when detached. */
    private EncryptedReceipts receipts;
    private final List<BiConsumer<BareJid, HistoryLine>> markWatchers = new CopyOnWriteArrayList<>();
    private volatile boolean failureSaid;
    /** The contact a chat is open with: what it sends is read as it arrives. */
    private volatile BareJid reading;

    private ConversationTracker(Conversations conversations, PrintStream progress, Clock clock) {
        this.conversations = conversations;
        this.progress = progress;
        this.clock = clock;
    }

    /** Attaches to {@code manager} before login, so that receipts and messages delivered during login count. */
    static ConversationTracker attach(XMPPConnection connection, SottoManager manager, Accounts.Opened opened,
            PrintStream progress) {
        ConversationTracker tracker = new ConversationTracker(new Conversations(opened.store), progress,
                Clock.systemUTC());
        EncryptedReceipts receipts = EncryptedReceipts.attach(connection, manager);
        tracker.receipts = receipts;
        receipts.onDelivered((peer, id) -> tracker.changed(peer, () -> tracker.conversations.mark(peer, id,
                HistoryLine.Mark.DELIVERED).map(List::of).orElse(List.of())));
        manager.addListener(tracker);
        manager.onSealed(tracker::sealed);
        return tracker;
    }

    /** Lets receipts being answered go out before the manager stops (nothing to do when detached). */
    void finishReceipts() {
        if (receipts != null) {
            receipts.finish();
        }
    }

    /** A tracker not attached to a binding: only for tests that feed it events. */
    static ConversationTracker detached(Conversations conversations, PrintStream progress, Clock clock) {
        return new ConversationTracker(conversations, progress, clock);
    }

    Conversations conversations() {
        return conversations;
    }

    /** A chat with {@code peer} is open: its lines are read, those that came before and those that come now. */
    void reading(BareJid peer) {
        reading = peer;
        guard(() -> conversations.read(peer));
    }

    /** {@code watcher} learns each of our lines whose mark changed (delivered, not delivered, not sent). */
    void onMark(BiConsumer<BareJid, HistoryLine> watcher) {
        markWatchers.add(watcher);
    }

    /** A message of ours to {@code peer}, as it is handed to the binding: {@code message} carries its id. */
    Message sending(BareJid peer, Message message, String body) {
        Message requesting = EncryptedReceipts.requesting(message);
        guard(() -> conversations.sent(peer, requesting.getStanzaId(), body, clock.instant()));
        return requesting;
    }

    /** Ours was encrypted: its number per device goes with its line, for the loss reports that name them. */
    void sealed(SealedMessage message) {
        guard(() -> conversations.sealed(message.peer(), message.stanzaId(), message.sequenceByDevice()));
    }

    /** Ours did not go out and is not queued. */
    void notSent(BareJid peer, String id) {
        changed(peer, () -> conversations.mark(peer, id, HistoryLine.Mark.NOT_SENT).map(List::of).orElse(List.of()));
    }

    @Override
    public void onStanza(DecryptedStanza stanza) {
        if (stanza.stanza() instanceof Message m && m.getBody() != null) {
            String id = m.getStanzaId() == null || m.getStanzaId().isEmpty()
                    ? "received-" + java.util.UUID.randomUUID() : m.getStanzaId();
            if (EventPrinter.yours(stanza)) {
                // Another device of ours sent it: our line, as on that device (same id, so the contact's receipt
                // marks it here too; its time is when it was sent, not when this device caught up with it).
                guard(() -> conversations.sent(stanza.peer(), id, m.getBody(), stanza.sentAt()));
                return;
            }
            Map<String, Object> described = EventPrinter.describe(stanza);
            String who = EventLines.sender(described);
            guard(() -> conversations.received(stanza.peer(), id, who, m.getBody(), clock.instant(),
                    stanza.peer().equals(reading)));
        }
    }

    @Override
    public void onEvent(SecurityEvent event) {
        if (event instanceof SecurityEvent.NotAcknowledged lost) {
            changed(lost.peer(), () -> conversations.lost(lost.peer(), lost.deviceId(), lost.range()));
        }
    }

    private void changed(BareJid peer, java.util.function.Supplier<List<HistoryLine>> change) {
        guard(() -> {
            for (HistoryLine line : change.get()) {
                markWatchers.forEach(w -> w.accept(peer, line));
            }
        });
    }

    private void guard(Runnable write) {
        try {
            write.run();
        } catch (CliException e) {
            if (!failureSaid) {
                failureSaid = true;
                progress.println("Note: the conversation log was not written: " + e.getMessage());
            }
        }
    }
}
