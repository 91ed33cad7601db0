package im.sotto.protocol.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The in-memory contact store and conversation log: a client's data beside the protocol state. Copied as a whole by
 * the first write of a transaction ({@link MemoryState}), which a few hundred contacts and their last lines make cheap.
 */
final class MemoryClientData {
    private record Line(String peer, String messageId, byte[] record) {}

    private final TreeMap<String, byte[]> contacts;
    private final TreeMap<String, byte[]> peerDevices;
    private final TreeMap<Long, Line> lines;
    private long lastSequence;

    MemoryClientData() {
        this(new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), 0);
    }

    private MemoryClientData(TreeMap<String, byte[]> contacts, TreeMap<String, byte[]> peerDevices,
            TreeMap<Long, Line> lines, long lastSequence) {
        this.contacts = contacts;
        this.peerDevices = peerDevices;
        this.lines = lines;
        this.lastSequence = lastSequence;
    }

    MemoryClientData copy() {
        return new MemoryClientData(new TreeMap<>(contacts), new TreeMap<>(peerDevices), new TreeMap<>(lines),
                lastSequence);
    }

    Optional<byte[]> peerDevices(String account) {
        return Optional.ofNullable(peerDevices.get(SessionAddress.checkPeer(account))).map(byte[]::clone);
    }

    void storePeerDevices(String account, byte[] record) {
        peerDevices.put(SessionAddress.checkPeer(account), Records.checkedCopy(record));
    }

    Optional<byte[]> contact(String peer) {
        return Optional.ofNullable(contacts.get(SessionAddress.checkPeer(peer))).map(byte[]::clone);
    }

    void storeContact(String peer, byte[] record) {
        contacts.put(SessionAddress.checkPeer(peer), Records.checkedCopy(record));
    }

    boolean deleteContact(String peer) {
        return contacts.remove(SessionAddress.checkPeer(peer)) != null;
    }

    List<String> peers() {
        return new ArrayList<>(contacts.keySet());
    }

    long append(String peer, String messageId, byte[] record) {
        Line line = new Line(SessionAddress.checkPeer(peer), checkId(messageId), Records.checkedCopy(record));
        long sequence = ++lastSequence;
        lines.put(sequence, line);
        List<Long> ofPeer = sequencesOf(peer);
        for (int i = 0; i < ofPeer.size() - ConversationLog.MAX_RECORDS_PER_PEER; i++) {
            lines.remove(ofPeer.get(i));
        }
        return sequence;
    }

    boolean replace(String peer, String messageId, byte[] record) {
        Optional<Long> found = newest(peer, messageId);
        found.ifPresent(sequence -> lines.put(sequence, new Line(peer, messageId, Records.checkedCopy(record))));
        return found.isPresent();
    }

    Optional<byte[]> find(String peer, String messageId) {
        return newest(peer, messageId).map(sequence -> lines.get(sequence).record().clone());
    }

    List<ConversationLog.Entry> recent(String peer, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative");
        }
        List<Long> ofPeer = sequencesOf(peer);
        List<ConversationLog.Entry> out = new ArrayList<>();
        for (Long sequence : ofPeer.subList(Math.max(0, ofPeer.size() - limit), ofPeer.size())) {
            out.add(new ConversationLog.Entry(sequence, lines.get(sequence).record()));
        }
        return out;
    }

    private Optional<Long> newest(String peer, String messageId) {
        SessionAddress.checkPeer(peer);
        checkId(messageId);
        return lines.descendingMap().entrySet().stream()
                .filter(e -> e.getValue().peer().equals(peer) && e.getValue().messageId().equals(messageId))
                .map(Map.Entry::getKey).findFirst();
    }

    private List<Long> sequencesOf(String peer) {
        SessionAddress.checkPeer(peer);
        List<Long> out = new ArrayList<>();
        lines.forEach((sequence, line) -> {
            if (line.peer().equals(peer)) {
                out.add(sequence);
            }
        });
        return out;
    }

    static String checkId(String messageId) {
        Objects.requireNonNull(messageId, "messageId");
        int bytes = messageId.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes == 0 || bytes > LogEntry.MAX_STANZA_ID_BYTES) {
            throw new IllegalArgumentException("message id must be 1.." + LogEntry.MAX_STANZA_ID_BYTES
                    + " bytes of UTF-8");
        }
        return messageId;
    }
}
