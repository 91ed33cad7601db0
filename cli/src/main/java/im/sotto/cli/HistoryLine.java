package im.sotto.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One line of a conversation as the user saw it, kept (sealed) in the store's conversation log for the chat to show
 * again: who (the sender as the line named it, with its trust tag then; "me" for our own), when, the text, and for our
 * own lines what became of them.
 *
 * <pre>
 * u8 version (2) | u8 direction (1 sent, 2 received)
 * u8 mark (0 none, 1 delivered, 2 not delivered, 3 not sent; for a received line 0 unread, 4 read)
 * i64 epoch millis | u16 length + UTF-8 message id | u16 length + UTF-8 who | u32 length + UTF-8 body
 * u16 count | count x (i64 device id | i64 sequence), device ids ascending, each once
 * </pre>
 *
 * The last part, since version 2: for our own lines, the number each of the contact's devices' sessions gave the
 * message when it was encrypted ({@code sequences}), so that a loss report, which names those numbers, marks exactly
 * the lines it is about. Version 1 (without it) is still read. Decoding is strict: anything else is {@link Malformed},
 * never a default.
 */
record HistoryLine(Direction direction, Mark mark, Instant at, String id, String who, String body,
        Map<Long, Long> sequences) {
    static final int VERSION = 2;
    /** The version before the per-device sequence numbers: read, never written. */
    static final int VERSION_WITHOUT_SEQUENCES = 1;
    /** More devices than an account has; a count above it was not written by Sotto. */
    private static final int MAX_DEVICES = 1024;
    /** The largest body the envelope carries, with room to spare; a line above it was not written by Sotto. */
    private static final int MAX_BODY_BYTES = 256 * 1024;
    private static final int MAX_WHO_BYTES = 4096;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter DAY_AND_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    enum Direction { SENT, RECEIVED }

    /**
     * What became of one of our lines ({@link #NONE} while nothing is known), or whether a received one was shown in
     * a chat with its sender ({@link #READ}; {@link #NONE} is unread). Stored by ordinal: only append.
     */
    enum Mark { NONE, DELIVERED, NOT_DELIVERED, NOT_SENT, READ }

    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message);
        }
    }

    /** A line not (yet) encrypted to any device: a received one, or ours before the binding sealed it. */
    HistoryLine(Direction direction, Mark mark, Instant at, String id, String who, String body) {
        this(direction, mark, at, id, who, body, Map.of());
    }

    HistoryLine {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(mark, "mark");
        at = Instant.ofEpochMilli(Objects.requireNonNull(at, "at").toEpochMilli());
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(who, "who");
        Objects.requireNonNull(body, "body");
        sequences = Collections.unmodifiableMap(new TreeMap<>(sequences));
        if (sequences.size() > MAX_DEVICES) {
            throw new IllegalArgumentException("sequence numbers of more than " + MAX_DEVICES + " devices");
        }
    }

    HistoryLine marked(Mark newMark) {
        return new HistoryLine(direction, newMark, at, id, who, body, sequences);
    }

    /** With the numbers of {@code sealed} added (a device sealed again keeps the newest). */
    HistoryLine sealed(Map<Long, Long> sealed) {
        Map<Long, Long> all = new TreeMap<>(sequences);
        all.putAll(sealed);
        return new HistoryLine(direction, mark, at, id, who, body, all);
    }

    /**
     * The line on the screen: the time (with the day when it is not {@code today}), who, the text (peer-controlled
     * text made safe), and for our own lines the mark: "✓" delivered, "✗ not delivered", "✗ not sent".
     */
    String shown(LocalDate today, ZoneId zone) {
        var local = at.atZone(zone);
        String time = local.toLocalDate().equals(today) ? TIME.format(local) : DAY_AND_TIME.format(local);
        return time + " " + SafeText.of(who) + ": " + SafeText.of(body) + markText();
    }

    String markText() {
        return switch (mark) {
            case NONE, READ -> "";
            case DELIVERED -> "  \u2713";
            case NOT_DELIVERED -> "  \u2717 not delivered";
            case NOT_SENT -> "  \u2717 not sent";
        };
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(direction == Direction.SENT ? 1 : 2);
            out.writeByte(mark.ordinal());
            out.writeLong(at.toEpochMilli());
            byte[] idBytes = bounded(id, MAX_WHO_BYTES);
            out.writeShort(idBytes.length);
            out.write(idBytes);
            byte[] whoBytes = bounded(who, MAX_WHO_BYTES);
            out.writeShort(whoBytes.length);
            out.write(whoBytes);
            byte[] bodyBytes = bounded(body, MAX_BODY_BYTES);
            out.writeInt(bodyBytes.length);
            out.write(bodyBytes);
            out.writeShort(sequences.size());
            for (Map.Entry<Long, Long> e : sequences.entrySet()) {
                out.writeLong(e.getKey());
                out.writeLong(e.getValue());
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory", e);
        }
        return bytes.toByteArray();
    }

    static HistoryLine decode(byte[] record) throws Malformed {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(record))) {
            int version = in.readUnsignedByte();
            if (version != VERSION && version != VERSION_WITHOUT_SEQUENCES) {
                throw new Malformed("conversation line version " + version + ", this Sotto reads "
                        + VERSION_WITHOUT_SEQUENCES + " and " + VERSION);
            }
            int direction = in.readUnsignedByte();
            if (direction != 1 && direction != 2) {
                throw new Malformed("conversation line direction " + direction);
            }
            int mark = in.readUnsignedByte();
            if (mark >= Mark.values().length) {
                throw new Malformed("conversation line mark " + mark);
            }
            Instant at = Instant.ofEpochMilli(in.readLong());
            String id = text(in, in.readUnsignedShort(), MAX_WHO_BYTES);
            String who = text(in, in.readUnsignedShort(), MAX_WHO_BYTES);
            String body = text(in, in.readInt(), MAX_BODY_BYTES);
            Map<Long, Long> sequences = version == VERSION ? sequences(in) : Map.of();
            if (in.available() != 0) {
                throw new Malformed("conversation line has " + in.available() + " bytes after its end");
            }
            return new HistoryLine(direction == 1 ? Direction.SENT : Direction.RECEIVED, Mark.values()[mark], at, id,
                    who, body, sequences);
        } catch (IOException e) {
            throw new Malformed("conversation line ends early");
        }
    }

    private static Map<Long, Long> sequences(DataInputStream in) throws IOException, Malformed {
        int count = in.readUnsignedShort();
        if (count > MAX_DEVICES) {
            throw new Malformed("conversation line with sequence numbers of " + count + " devices");
        }
        Map<Long, Long> sequences = new TreeMap<>();
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < count; i++) {
            long device = in.readLong();
            long sequence = in.readLong();
            if (i > 0 && device <= previous) {
                throw new Malformed("conversation line device ids not ascending");
            }
            if (sequence < 0) {
                throw new Malformed("conversation line sequence number " + sequence);
            }
            previous = device;
            sequences.put(device, sequence);
        }
        return sequences;
    }

    private static byte[] bounded(String text, int max) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > max) {
            throw new IllegalArgumentException("text longer than " + max + " bytes");
        }
        return utf8;
    }

    private static String text(DataInputStream in, int length, int max) throws IOException, Malformed {
        if (length < 0 || length > max) {
            throw new Malformed("conversation line text of " + length + " bytes");
        }
        byte[] utf8 = in.readNBytes(length);
        if (utf8.length != length) {
            throw new Malformed("conversation line ends early");
        }
        return new String(utf8, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "HistoryLine[" + direction + ", " + mark + ", " + at + ", content redacted]";
    }
}
