package im.sotto.protocol.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One stanza in the local log: which way it went, with which peer device, its stanza id, when, and its decrypted
 * content (empty for a content-less message such as a heartbeat). Time is kept to the millisecond.
 */
public record LogEntry(Direction direction, SessionAddress peer, String stanzaId, Instant time, byte[] content) {
    /** Stanza ids are short tokens; XMPP servers cap them well below this. */
    public static final int MAX_STANZA_ID_BYTES = 256;

    public enum Direction {
        SENT,
        RECEIVED
    }

    public LogEntry {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(stanzaId, "stanzaId");
        int idBytes = stanzaId.getBytes(StandardCharsets.UTF_8).length;
        if (idBytes == 0 || idBytes > MAX_STANZA_ID_BYTES) {
            throw new IllegalArgumentException("stanza id must be 1.." + MAX_STANZA_ID_BYTES + " bytes of UTF-8");
        }
        time = Instant.ofEpochMilli(Objects.requireNonNull(time, "time").toEpochMilli());
        Objects.requireNonNull(content, "content");
        if (content.length > Records.MAX_RECORD_LENGTH) {
            throw new IllegalArgumentException("content longer than " + Records.MAX_RECORD_LENGTH + " bytes");
        }
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogEntry e && direction == e.direction && peer.equals(e.peer)
                && stanzaId.equals(e.stanzaId) && time.equals(e.time) && Arrays.equals(content, e.content);
    }

    @Override
    public int hashCode() {
        return Objects.hash(direction, peer, stanzaId, time);
    }

    @Override
    public String toString() {
        return "LogEntry[" + direction + ", " + peer + ", id=" + stanzaId + ", " + time + ", " + content.length
                + " bytes, content redacted]";
    }
}
