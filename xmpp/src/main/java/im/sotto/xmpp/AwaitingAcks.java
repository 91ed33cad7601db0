package im.sotto.xmpp;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jivesoftware.smack.packet.Stanza;

/**
 * The kept copies ({@link UnconfirmedOutbox}) sent on a stream with stream management, by outer stanza id, until the
 * server acknowledges them. Thread-safe: the worker adds, Smack's thread for acknowledgements deletes at once (not
 * behind the worker's queue, which after a login may hold hundreds of incoming stanzas: a process killed meanwhile
 * would send every acknowledged copy again at its next start, and the peer would see each as a duplicate).
 */
final class AwaitingAcks {
    /**
     * Copies awaiting an acknowledgement, at most. Smack keeps at most 500 unacknowledged stanzas per stream (and
     * blocks sending beyond), Prosody's mod_smacks queues 500 by default: on a working stream no more are ever in
     * flight. More means the server stopped acknowledging; the oldest copies are then given up (the stanzas went
     * out; only the protection against a crash is lost) rather than let the store grow without end.
     */
    static final int MAX_AWAITING_ACK = 500;

    private final SottoAccount account;
    private final Map<String, Deque<Long>> byStanzaId = new HashMap<>();
    private final LinkedHashMap<Long, Stanza> copies = new LinkedHashMap<>();

    AwaitingAcks(SottoAccount account) {
        this.account = account;
    }

    /** Notes copy {@code keptId} of {@code outer} before it is sent (its acknowledgement may come at once). */
    void track(Stanza outer, long keptId) {
        Long givenUp = null;
        synchronized (this) {
            byStanzaId.computeIfAbsent(outer.getStanzaId(), id -> new ArrayDeque<>()).add(keptId);
            copies.put(keptId, outer);
            if (copies.size() > MAX_AWAITING_ACK) {
                givenUp = copies.keySet().iterator().next();
                forget(givenUp);
            }
        }
        if (givenUp != null) {
            delete(List.of(givenUp));
        }
    }

    /** Forgets copy {@code keptId} without deleting it (it could not be sent after all). */
    synchronized void untrack(long keptId) {
        forget(keptId);
    }

    /** The server acknowledged the stanza {@code stanzaId}: its oldest copy is deleted. */
    void acknowledged(String stanzaId) {
        Long keptId;
        synchronized (this) {
            Deque<Long> ids = byStanzaId.get(stanzaId);
            keptId = ids == null ? null : ids.peek();
            if (keptId != null) {
                forget(keptId);
            }
        }
        if (keptId != null) {
            delete(List.of(keptId));
        }
    }

    /** Every copy still awaiting an acknowledgement, oldest first, no longer tracked (a new stream began). */
    synchronized Map<Long, Stanza> takeAll() {
        Map<Long, Stanza> all = new LinkedHashMap<>(copies);
        copies.clear();
        byStanzaId.clear();
        return all;
    }

    synchronized boolean contains(long keptId) {
        return copies.containsKey(keptId);
    }

    synchronized boolean isEmpty() {
        return copies.isEmpty();
    }

    private void forget(long keptId) {
        Stanza outer = copies.remove(keptId);
        if (outer == null) {
            return;
        }
        Deque<Long> ids = byStanzaId.get(outer.getStanzaId());
        if (ids != null) {
            for (Iterator<Long> i = ids.iterator(); i.hasNext();) {
                if (i.next() == keptId) {
                    i.remove();
                    break;
                }
            }
            if (ids.isEmpty()) {
                byStanzaId.remove(outer.getStanzaId());
            }
        }
    }

    /** Deletes kept copies from the store (any thread: one store transaction). */
    void delete(List<Long> keptIds) {
        try {
            account.store().transact(stores -> {
                keptIds.forEach(id -> stores.outboundQueue().remove(id));
                return null;
            });
        } catch (IllegalStateException e) {
            // The store was closed (the application stopped): the copy stays, the next run sends it again, and the
            // peer drops it as a duplicate.
        }
    }
}
