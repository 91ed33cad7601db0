package im.sotto.protocol.store;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The whole state of an {@link InMemoryAccountStore}. Values are immutable once stored (records are copied in and
 * out), so a snapshot only needs its own maps. {@link #copy()} shares the maps with the state it was taken from and
 * copies each one the first time the transaction writes to it ({@code ...ForWrite()}): a transaction that only
 * touches a session record does not copy the other maps.
 *
 * <p>The message log is never copied: it grows by one entry per message, so copying it on every append made each
 * message cost time in proportion to all messages before it (half of the binding's CPU after a few thousand
 * messages, docs/performance.md). It is append-only, so every state shares one map and sees only the entries up to
 * its own {@link #lastLogSequence}: an append puts its entry at the next sequence number in place, a rolled-back
 * transaction's entries stay invisible to the state it was taken from (and are removed by {@link #abandon()}), and
 * the next append at that number replaces one left there.
 *
 * <p>The replay cache is not copied either, for the same reason: every message received adds an entry that stays
 * for 30 days ({@code DeliveredOnce}), and copying the map on each add made the in-memory binding receive 63 messages
 * a second instead of thousands (bench/run.sh, 2026-12-08). A snapshot writes to the shared map in place and notes
 * what each write replaced; {@link #abandon()} undoes those writes, newest first. Transactions on one store run one
 * at a time and nothing reads the state a transaction was taken from while it runs, so no one sees the writes of a
 * transaction that is later abandoned.
 */
final class MemoryState {
    record PreKey(byte[] record, Instant deleteAfter) {}

    byte[] localIdentity;
    private TreeMap<String, byte[]> peerTrust = new TreeMap<>();
    private TreeMap<SessionAddress, byte[]> sessions = new TreeMap<>();
    private EnumMap<PreKeyKind, TreeMap<Long, PreKey>> preKeys = new EnumMap<>(PreKeyKind.class);
    private HashMap<ByteBuffer, Instant> replay = new HashMap<>();
    /** What this snapshot's replay-cache writes replaced (a null value: the key was absent), oldest first. */
    private final ArrayList<ReplayUndo> replayUndo = new ArrayList<>();
    private TreeMap<SessionAddress, byte[]> retained = new TreeMap<>();
    private TreeMap<Long, QueuedStanza> queue = new TreeMap<>();
    long lastQueueId;
    private TreeMap<Long, LogEntry> log = new TreeMap<>();
    private long lastLogSequence;
    /** The last sequence number of the state this one was copied from: entries above it are this state's own. */
    private final long baseLogSequence;
    long restoreCounter;
    byte[] archiveCursor;
    private im.sotto.protocol.omemo.InMemoryOmemoStore omemo = new im.sotto.protocol.omemo.InMemoryOmemoStore();
    private im.sotto.protocol.omemo.InMemoryOmemoStore omemo2 = new im.sotto.protocol.omemo.InMemoryOmemoStore();
    private MemoryClientData client = new MemoryClientData();
    /** Which maps this state owns (may change) rather than shares with the state it was copied from. */
    private final EnumSet<Part> owned;

    private enum Part { PEER_TRUST, SESSIONS, PRE_KEYS, RETAINED, QUEUE, OMEMO, OMEMO2, CLIENT }

    private record ReplayUndo(ByteBuffer key, Instant previous) {}

    MemoryState() {
        for (PreKeyKind kind : PreKeyKind.values()) {
            preKeys.put(kind, new TreeMap<>());
        }
        owned = EnumSet.allOf(Part.class);
        baseLogSequence = 0;
    }

    private MemoryState(MemoryState from) {
        localIdentity = from.localIdentity;
        peerTrust = from.peerTrust;
        sessions = from.sessions;
        preKeys = from.preKeys;
        replay = from.replay;
        retained = from.retained;
        queue = from.queue;
        lastQueueId = from.lastQueueId;
        log = from.log;
        lastLogSequence = from.lastLogSequence;
        baseLogSequence = from.lastLogSequence;
        restoreCounter = from.restoreCounter;
        archiveCursor = from.archiveCursor;
        omemo = from.omemo;
        omemo2 = from.omemo2;
        client = from.client;
        owned = EnumSet.noneOf(Part.class);
    }

    /**
     * A snapshot to change freely. The state it was taken from must not be changed afterwards (the store replaces
     * it by the snapshot on commit and drops the snapshot on rollback, so it never is).
     */
    MemoryState copy() {
        return new MemoryState(this);
    }

    Map<String, byte[]> peerTrust() {
        return peerTrust;
    }

    Map<String, byte[]> peerTrustForWrite() {
        if (owned.add(Part.PEER_TRUST)) {
            peerTrust = new TreeMap<>(peerTrust);
        }
        return peerTrust;
    }

    NavigableMap<SessionAddress, byte[]> sessions() {
        return sessions;
    }

    NavigableMap<SessionAddress, byte[]> sessionsForWrite() {
        if (owned.add(Part.SESSIONS)) {
            sessions = new TreeMap<>(sessions);
        }
        return sessions;
    }

    NavigableMap<Long, PreKey> preKeys(PreKeyKind kind) {
        return preKeys.get(kind);
    }

    Map<PreKeyKind, TreeMap<Long, PreKey>> preKeysForWrite() {
        if (owned.add(Part.PRE_KEYS)) {
            EnumMap<PreKeyKind, TreeMap<Long, PreKey>> c = new EnumMap<>(PreKeyKind.class);
            preKeys.forEach((kind, byId) -> c.put(kind, new TreeMap<>(byId)));
            preKeys = c;
        }
        return preKeys;
    }

    Map<ByteBuffer, Instant> replay() {
        return Collections.unmodifiableMap(replay);
    }

    /** Adds {@code key} unless present; true if added. Undone by {@link #abandon()}. */
    boolean replayAddIfAbsent(ByteBuffer key, Instant expiresAt) {
        if (replay.putIfAbsent(key, expiresAt) != null) {
            return false;
        }
        replayUndo.add(new ReplayUndo(key, null));
        return true;
    }

    /** Removes the entries that expired before {@code now}; returns how many. Undone by {@link #abandon()}. */
    int replayPurgeExpired(Instant now) {
        int removed = 0;
        for (Iterator<Map.Entry<ByteBuffer, Instant>> it = replay.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<ByteBuffer, Instant> entry = it.next();
            if (entry.getValue().isBefore(now)) {
                replayUndo.add(new ReplayUndo(entry.getKey(), entry.getValue()));
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    NavigableMap<SessionAddress, byte[]> retained() {
        return retained;
    }

    NavigableMap<SessionAddress, byte[]> retainedForWrite() {
        if (owned.add(Part.RETAINED)) {
            retained = new TreeMap<>(retained);
        }
        return retained;
    }

    NavigableMap<Long, QueuedStanza> queue() {
        return queue;
    }

    NavigableMap<Long, QueuedStanza> queueForWrite() {
        if (owned.add(Part.QUEUE)) {
            queue = new TreeMap<>(queue);
        }
        return queue;
    }

    im.sotto.protocol.omemo.InMemoryOmemoStore omemo() {
        return omemo;
    }

    im.sotto.protocol.omemo.InMemoryOmemoStore omemoForWrite() {
        if (owned.add(Part.OMEMO)) {
            omemo = omemo.copy();
        }
        return omemo;
    }

    im.sotto.protocol.omemo.InMemoryOmemoStore omemo2() {
        return omemo2;
    }

    im.sotto.protocol.omemo.InMemoryOmemoStore omemo2ForWrite() {
        if (owned.add(Part.OMEMO2)) {
            omemo2 = omemo2.copy();
        }
        return omemo2;
    }

    MemoryClientData client() {
        return client;
    }

    MemoryClientData clientForWrite() {
        if (owned.add(Part.CLIENT)) {
            client = client.copy();
        }
        return client;
    }

    /** The log as this state sees it: entries up to its own last sequence number, read-only. */
    NavigableMap<Long, LogEntry> log() {
        return Collections.unmodifiableNavigableMap(log.headMap(lastLogSequence, true));
    }

    /** Appends {@code entry} at the next sequence number (replacing what a rolled-back append left there). */
    long appendLog(LogEntry entry) {
        long sequence = lastLogSequence + 1;
        log.put(sequence, entry);
        lastLogSequence = sequence;
        return sequence;
    }

    /**
     * For a snapshot that will not be committed: removes the log entries it appended and undoes its replay-cache
     * writes (the other maps are its own).
     */
    void abandon() {
        log.tailMap(baseLogSequence, false).clear();
        for (int i = replayUndo.size() - 1; i >= 0; i--) {
            ReplayUndo undo = replayUndo.get(i);
            if (undo.previous() == null) {
                replay.remove(undo.key());
            } else {
                replay.put(undo.key(), undo.previous());
            }
        }
        replayUndo.clear();
    }
}
