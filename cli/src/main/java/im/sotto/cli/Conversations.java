package im.sotto.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.ConversationLog;
import im.sotto.protocol.store.StoreFailureException;
import im.sotto.xmpp.SequenceRange;

import org.jxmpp.jid.BareJid;

/**
 * The conversations as the user saw them, in the store's encrypted conversation log: every message shown from a
 * contact and every one sent to it, with what became of ours (a delivery receipt, a loss report, a refusal). A chat
 * shows the last of them when it opens.
 */
final class Conversations {
    /** Lines a chat shows when it opens: most of a 40-row terminal, with room for the status line and the prompt. */
    static final int SHOWN_ON_OPEN = 30;
    /** Own lines a loss report looks back over: far more than are sent between two messages of the peer. */
    private static final int LOSS_LOOKBACK = 200;

    private final AccountStore store;

    Conversations(AccountStore store) {
        this.store = store;
    }

    /** One of ours, as it goes out (or into the outbox). */
    void sent(BareJid peer, String id, String body, Instant at) {
        append(peer, new HistoryLine(HistoryLine.Direction.SENT, HistoryLine.Mark.NONE, at, id, "me", body));
    }

    /** One from {@code peer}, as shown: {@code who} is the sender with its trust tag, as the line named it. */
    void received(BareJid peer, String id, String who, String body, Instant at, boolean read) {
        append(peer, new HistoryLine(HistoryLine.Direction.RECEIVED, read ? HistoryLine.Mark.READ
                : HistoryLine.Mark.NONE, at, id, who, body));
    }

    /**
     * Marks our line {@code id} to {@code peer}; returns it when the mark changed. A delivered line stays delivered
     * (a loss report about another device does not undo a receipt); a received line is never marked.
     */
    Optional<HistoryLine> mark(BareJid peer, String id, HistoryLine.Mark mark) {
        String contact = peer.toString();
        return transact(s -> {
            Optional<byte[]> stored = s.conversations().find(contact, id);
            if (stored.isEmpty()) {
                return Optional.<HistoryLine>empty();
            }
            HistoryLine line = HistoryLine.decode(stored.get());
            if (line.direction() != HistoryLine.Direction.SENT || line.mark() == mark
                    || line.mark() == HistoryLine.Mark.DELIVERED) {
                return Optional.<HistoryLine>empty();
            }
            HistoryLine changed = line.marked(mark);
            s.conversations().replace(contact, id, changed.encode());
            return Optional.of(changed);
        });
    }

    /**
     * Our line {@code id} to {@code peer} was encrypted: the number each device's session gave it, kept with the line
     * so that a loss report about those numbers finds it ({@link #lost}). Nothing for a line not in the log.
     */
    void sealed(BareJid peer, String id, Map<Long, Long> sequenceByDevice) {
        String contact = peer.toString();
        transact(s -> {
            Optional<byte[]> stored = s.conversations().find(contact, id);
            if (stored.isPresent()) {
                HistoryLine line = HistoryLine.decode(stored.get());
                if (line.direction() == HistoryLine.Direction.SENT) {
                    s.conversations().replace(contact, id, line.sealed(sequenceByDevice).encode());
                }
            }
            return null;
        });
    }

    /**
     * The loss detection says our messages {@code range} in the session with {@code peer}'s device {@code deviceId}
     * did not arrive: exactly the lines the binding sealed with those numbers for that device are marked not
     * delivered, when no receipt confirmed them (a later receipt still marks them delivered). The lines of the
     * reported session are the newest ones sealed for that device: going back, its numbers fall; where they stop
     * falling an older session begins (numbers start again from 0 in a new session), and the search ends there.
     * Lines sealed for other devices only, lines never sealed (still queued) and lines logged before the numbers were
     * kept (version 1) are never marked.
     */
    List<HistoryLine> lost(BareJid peer, long deviceId, SequenceRange range) {
        String contact = peer.toString();
        return transact(s -> {
            List<ConversationLog.Entry> entries = s.conversations().recent(contact, LOSS_LOOKBACK);
            List<HistoryLine> changed = new ArrayList<>();
            long newer = Long.MAX_VALUE;
            for (int i = entries.size() - 1; i >= 0; i--) {
                HistoryLine line = HistoryLine.decode(entries.get(i).record());
                Long sequence = line.sequences().get(deviceId);
                if (line.direction() != HistoryLine.Direction.SENT || sequence == null) {
                    continue;
                }
                if (sequence >= newer) {
                    break;   // an older session with that device
                }
                newer = sequence;
                if (line.mark() == HistoryLine.Mark.NONE && sequence >= range.first() && sequence <= range.last()) {
                    HistoryLine marked = line.marked(HistoryLine.Mark.NOT_DELIVERED);
                    s.conversations().replace(contact, line.id(), marked.encode());
                    changed.add(0, marked);
                }
            }
            return changed;
        });
    }

    /** Lines from {@code peer} not yet shown in a chat with it (among the lines the log keeps). */
    int unread(BareJid peer) {
        return transact(s -> {
            int unread = 0;
            for (ConversationLog.Entry entry : s.conversations().recent(peer.toString(),
                    ConversationLog.MAX_RECORDS_PER_PEER)) {
                HistoryLine line = HistoryLine.decode(entry.record());
                if (line.direction() == HistoryLine.Direction.RECEIVED && line.mark() == HistoryLine.Mark.NONE) {
                    unread++;
                }
            }
            return unread;
        });
    }

    /** A chat with {@code peer} shows its lines: none of them is unread any more. */
    void read(BareJid peer) {
        String contact = peer.toString();
        transact(s -> {
            for (ConversationLog.Entry entry : s.conversations().recent(contact,
                    ConversationLog.MAX_RECORDS_PER_PEER)) {
                HistoryLine line = HistoryLine.decode(entry.record());
                if (line.direction() == HistoryLine.Direction.RECEIVED && line.mark() == HistoryLine.Mark.NONE) {
                    s.conversations().replace(contact, line.id(), line.marked(HistoryLine.Mark.READ).encode());
                }
            }
            return null;
        });
    }

    /** For {@code sotto contacts}: each contact's unread count (a {@link CliException} when the log cannot be read). */
    static java.util.function.Function<String, Integer> unreadCounter(AccountStore store) {
        Conversations conversations = new Conversations(store);
        return contact -> conversations.unread(Jids.account(contact));
    }

    /** The last {@code limit} lines with {@code peer}, oldest first. */
    List<HistoryLine> recent(BareJid peer, int limit) {
        return transact(s -> {
            List<HistoryLine> lines = new ArrayList<>();
            for (ConversationLog.Entry entry : s.conversations().recent(peer.toString(), limit)) {
                lines.add(HistoryLine.decode(entry.record()));
            }
            return lines;
        });
    }

    private void append(BareJid peer, HistoryLine line) {
        transact(s -> s.conversations().append(peer.toString(), line.id(), line.encode()));
    }

    private interface Work<T> {
        T run(im.sotto.protocol.store.Stores stores) throws HistoryLine.Malformed;
    }

    private <T> T transact(Work<T> work) {
        try {
            return store.transact(work::run);
        } catch (HistoryLine.Malformed | StoreFailureException e) {
            throw new CliException(ExitCode.STORE, "the conversation log in the store: " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            throw new CliException(ExitCode.STORE, "the store is closed: " + e.getMessage(), e);
        }
    }
}
