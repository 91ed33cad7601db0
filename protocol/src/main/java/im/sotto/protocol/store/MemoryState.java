package im.sotto.protocol.store;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The whole state of an {@link InMemoryAccountStore}. Values are immutable once stored (records are copied in and
 * out), so a shallow {@link #copy()} is a snapshot a transaction can change freely.
 */
final class MemoryState {
    record PreKey(byte[] record, Instant deleteAfter) {}

    byte[] localIdentity;
    TreeMap<String, byte[]> peerTrust = new TreeMap<>();
    TreeMap<SessionAddress, byte[]> sessions = new TreeMap<>();
    EnumMap<PreKeyKind, TreeMap<Long, PreKey>> preKeys = new EnumMap<>(PreKeyKind.class);
    HashMap<ByteBuffer, Instant> replay = new HashMap<>();
    TreeMap<SessionAddress, byte[]> retained = new TreeMap<>();
    TreeMap<Long, QueuedStanza> queue = new TreeMap<>();
    long lastQueueId;
    TreeMap<Long, LogEntry> log = new TreeMap<>();
    long lastLogSequence;
    long restoreCounter;

    MemoryState() {
        for (PreKeyKind kind : PreKeyKind.values()) {
            preKeys.put(kind, new TreeMap<>());
        }
    }

    MemoryState copy() {
        MemoryState c = new MemoryState();
        c.localIdentity = localIdentity;
        c.peerTrust = new TreeMap<>(peerTrust);
        c.sessions = new TreeMap<>(sessions);
        for (Map.Entry<PreKeyKind, TreeMap<Long, PreKey>> e : preKeys.entrySet()) {
            c.preKeys.put(e.getKey(), new TreeMap<>(e.getValue()));
        }
        c.replay = new HashMap<>(replay);
        c.retained = new TreeMap<>(retained);
        c.queue = new TreeMap<>(queue);
        c.lastQueueId = lastQueueId;
        c.log = new TreeMap<>(log);
        c.lastLogSequence = lastLogSequence;
        c.restoreCounter = restoreCounter;
        return c;
    }
}
