package im.sotto.xmpp;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import im.sotto.protocol.session.OutboundRecord;
import im.sotto.protocol.session.TrustRecords;
import im.sotto.protocol.store.QueuedStanza;
import im.sotto.protocol.store.Stores;
import im.sotto.xmpp.SendFailure;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.util.PacketParserUtils;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Stanzas waiting for a session, per peer account, in the order the user sent them. Messages and presences are also
 * kept in the store's outbound queue, written in the transaction that decides they must wait and removed in the one
 * that encrypts them, so a process restart loses none of them ({@link #restore}); they are never kept or sent in
 * plaintext anywhere else. An iq request waits in memory only: its answer goes to a future that dies with the
 * process.
 * Called only from the manager's worker thread.
 */
final class SendQueue {
    /** A stanza waiting for a session; {@code durableId} is its id in the store's queue, 0 when kept in memory only. */
    record Pending(Stanza stanza, CompletableFuture<?> sent, long durableId) {
    }

    private final SottoAccount account;
    private final Consumer<SecurityEvent> events;
    private final Map<BareJid, Deque<Pending>> waiting = new LinkedHashMap<>();
    /**
     * When set, a stored message that fails for a reason that may pass stays in the store's queue with that reason
     * ({@link SottoManager#setKeepFailed}); it leaves memory, so it blocks nothing behind it, and is tried again at
     * the next login or {@link SottoManager#retryQueued}.
     */
    boolean keepFailed;
    /** When the user sent the stored stanzas brought back by {@link #restore}, by id: their envelopes say so. */
    private final Map<Long, Instant> sentAt = new java.util.HashMap<>();

    SendQueue(SottoAccount account, Consumer<SecurityEvent> events) {
        this.account = account;
        this.events = events;
    }

    // ----- in the caller's store transaction -----

    /**
     * Keeps {@code stanza}, sent by the user at {@code sentAt}, in the store's queue (in the caller's transaction);
     * returns its id, or 0 for an iq.
     */
    static long persist(Stores stores, BareJid peer, Stanza stanza, Instant sentAt) {
        if (stanza instanceof IQ) {
            return 0;
        }
        return stores.outboundQueue().enqueue(peer.toString(), OutboundRecord.encode(new OutboundRecord.Waiting(
                Optional.of(sentAt), stanza.toXML().toString(), Optional.empty())));
    }

    /** Takes a stanza out of the store's queue, in the transaction that encrypts it (or reports its failure). */
    static void remove(Stores stores, BareJid peer, long durableId) {
        if (durableId == 0) {
            return;
        }
        stores.outboundQueue().remove(durableId);
    }

    // ----- in memory -----

    void add(BareJid peer, Pending pending) {
        waiting.computeIfAbsent(peer, p -> new ArrayDeque<>()).add(pending);
    }

    /** Puts a stanza back at the head of its peer's queue (it could not be sent after all). */
    void putBack(BareJid peer, Pending pending) {
        waiting.computeIfAbsent(peer, p -> new ArrayDeque<>()).addFirst(pending);
    }

    boolean has(BareJid peer) {
        return waiting.containsKey(peer);
    }

    Optional<Pending> peek(BareJid peer) {
        Deque<Pending> queue = waiting.get(peer);
        return queue == null ? Optional.empty() : Optional.ofNullable(queue.peek());
    }

    Optional<Pending> poll(BareJid peer) {
        Deque<Pending> queue = waiting.get(peer);
        Pending first = queue == null ? null : queue.poll();
        if (queue != null && queue.isEmpty()) {
            waiting.remove(peer);
        }
        return Optional.ofNullable(first);
    }

    /** Everything waiting for {@code peer}, oldest first, taken out of memory (the store keeps its own until sent). */
    List<Pending> takeAll(BareJid peer) {
        Deque<Pending> queue = waiting.remove(peer);
        return queue == null ? List.of() : new ArrayList<>(queue);
    }

    Set<BareJid> peers() {
        return Set.copyOf(waiting.keySet());
    }

    /**
     * Brings back stanzas an earlier run left in the store (after a restart: all of them), behind those already
     * waiting in memory. Their futures are new: the application that sent them is gone; the outcome is reported by
     * events only. A stored stanza that no longer parses is dropped and reported.
     */
    void restore() {
        Map<BareJid, List<QueuedStanza>> stored = account.store().transact(stores -> {
            Map<BareJid, List<QueuedStanza>> found = new LinkedHashMap<>();
            for (String peer : stores.outboundQueue().peers()) {
                found.put(JidCreate.bareFromOrThrowUnchecked(peer), stores.outboundQueue().pending(peer));
            }
            return found;
        });
        for (Map.Entry<BareJid, List<QueuedStanza>> entry : stored.entrySet()) {
            BareJid peer = entry.getKey();
            Set<Long> inMemory = new TreeSet<>();
            waiting.getOrDefault(peer, new ArrayDeque<>()).forEach(p -> inMemory.add(p.durableId()));
            for (QueuedStanza queued : entry.getValue()) {
                if (inMemory.contains(queued.id())) {
                    continue;
                }
                try {
                    Optional<Stanza> stanza = waitingStanza(peer, queued);
                    stanza.ifPresent(st -> add(peer, new Pending(st, new CompletableFuture<Void>(), queued.id())));
                } catch (Exception e) {
                    fail(peer, new Pending(null, new CompletableFuture<Void>(), queued.id()),
                            SendFailure.UNSUPPORTED_STANZA, "a stored stanza no longer parses: " + e.getMessage());
                }
            }
        }
    }

    /**
     * The stanza a queue entry keeps waiting to be encrypted; empty for an encrypted copy ({@link UnconfirmedOutbox}
     * has those). A message the command-line client kept in its own outbox before becomes a waiting chat message
     * here, written back in the typed form.
     */
    private Optional<Stanza> waitingStanza(BareJid peer, QueuedStanza queued) throws Exception {
        OutboundRecord record = OutboundRecord.decode(queued.stanza());
        if (record instanceof OutboundRecord.Waiting w) {
            w.queuedAt().ifPresent(at -> sentAt.put(queued.id(), at));
            return Optional.of(PacketParserUtils.parseStanza(w.stanzaXml()));
        }
        if (record instanceof OutboundRecord.LegacyMessageBody legacy) {
            Message message = StanzaBuilder.buildMessage().to(peer).ofType(Message.Type.chat).setBody(legacy.body())
                    .build();
            account.store().transact(stores -> stores.outboundQueue().replace(queued.id(), OutboundRecord.encode(
                    new OutboundRecord.Waiting(Optional.empty(), message.toXML().toString(), Optional.empty()))));
            return Optional.of(message);
        }
        return Optional.empty();
    }

    /** Reports that {@code pending} will not be sent; it leaves the store's queue too (the user has been told). */
    void fail(BareJid peer, Pending pending, SendFailure reason, String detail) {
        // Only a message the user wrote is kept: a directed presence (a rendezvous, say) is news of the moment.
        if (keepFailed && pending.durableId() != 0 && pending.stanza() instanceof Message && reason.mayPass()
                && keepWithReason(peer, pending.durableId(), reason, detail)) {
            events.accept(new SecurityEvent.SendFailed(peer, SessionCrypto.idOf(pending.stanza()), reason,
                    detail + "; kept queued", true));
            pending.sent().completeExceptionally(new SottoSendException(reason, detail, true));
            return;
        }
        if (pending.durableId() != 0) {
            account.store().transact(stores -> {
                remove(stores, peer, pending.durableId());
                return null;
            });
        }
        events.accept(new SecurityEvent.SendFailed(peer, pending.stanza() == null ? "-"
                : SessionCrypto.idOf(pending.stanza()), reason, detail));
        pending.sent().completeExceptionally(new SottoSendException(reason, detail));
    }

    /** When the user sent the stored stanza {@code durableId}, if it was brought back from the store with a time. */
    Optional<Instant> sentAt(long durableId) {
        return Optional.ofNullable(sentAt.get(durableId));
    }

    /** Records in the store why the stored stanza {@code id} could not go out; false if it is no longer queued. */
    private boolean keepWithReason(BareJid peer, long id, SendFailure reason, String detail) {
        return account.store().transact(stores -> {
            for (QueuedStanza queued : stores.outboundQueue().pending(peer.toString())) {
                if (queued.id() == id && OutboundRecord.decode(queued.stanza()) instanceof OutboundRecord.Waiting w) {
                    return stores.outboundQueue().replace(id, OutboundRecord.encode(
                            w.failed(new OutboundRecord.Failure(reason.name(), detail))));
                }
            }
            return false;
        });
    }

    /**
     * Reports that what waits for {@code peer} is held for a user decision ({@link SendFailure#held()}): each stanza
     * whose future is still open gets its event and its future fails, but it stays queued, in memory and in the store,
     * and is sent once the decision is made.
     */
    void holdAll(BareJid peer, SendFailure reason, String detail) {
        for (Pending pending : waiting.getOrDefault(peer, new ArrayDeque<>())) {
            if (!pending.sent().isDone()) {
                events.accept(new SecurityEvent.SendFailed(peer, SessionCrypto.idOf(pending.stanza()), reason, detail,
                        true));
                pending.sent().completeExceptionally(new SottoSendException(reason, detail, true));
            }
        }
    }

    /**
     * Reports that nothing waiting for {@code peer} can be sent now, for a reason that may pass, and keeps what the
     * store holds queued (with new futures: the callers have been answered) to be tried again; an iq request, which
     * lives in memory only, fails for good.
     */
    void deferAll(BareJid peer, SendFailure reason, String detail) {
        for (Pending pending : takeAll(peer)) {
            if (pending.durableId() == 0) {
                fail(peer, pending, reason, detail);
                continue;
            }
            add(peer, new Pending(pending.stanza(), new CompletableFuture<Void>(), pending.durableId()));
            events.accept(new SecurityEvent.SendFailed(peer, SessionCrypto.idOf(pending.stanza()), reason, detail,
                    true));
            pending.sent().completeExceptionally(new SottoSendException(reason, detail, true));
        }
    }

    void failAll(BareJid peer, SendFailure reason, String detail) {
        for (Pending pending : takeAll(peer)) {
            fail(peer, pending, reason, detail);
        }
    }

    /** The trust hold on stanzas to {@code peer} (for one device, {@code target}), if they wait for a user decision. */
    Optional<TrustRecords.Hold> holdFor(BareJid peer, Optional<Long> target) {
        return account.store().transact(s -> TrustRecords.hold(s, CoreJid.of(peer), target, account.clock()));
    }

    /**
     * Whether stanzas to {@code peer} (for one device, {@code target}) wait for a user decision; if so, what waits
     * for it is reported as held (once per stanza).
     */
    boolean held(BareJid peer, Optional<Long> target) {
        Optional<TrustRecords.Hold> hold = holdFor(peer, target);
        hold.ifPresent(h -> holdAll(peer, SendFailure.of(h.reason()), h.detail()));
        return hold.isPresent();
    }
}
