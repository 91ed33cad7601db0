package im.sotto.store.crash;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The crash test's network: one append-only file of frames per direction, and per receiver the offset up to which
 * it acknowledged delivery. A frame is u16 id length ‖ id ‖ u32 message length ‖ message, appended with one write.
 * Delivery is at-least-once: a receiver killed after storing a message but before acknowledging it gets it again.
 */
final class Network {
    record Frame(String stanzaId, byte[] message, long end) {}

    private final Path dir;

    Network(Path dir) {
        this.dir = dir;
    }

    private Path channel(String from, String to) {
        return dir.resolve("net-" + from + "-to-" + to);
    }

    private Path ackFile(String from, String to) {
        return dir.resolve("ack-" + from + "-to-" + to);
    }

    /** Hands a message to the network (after the sender committed its state). */
    void send(String from, String to, String stanzaId, byte[] message) throws IOException {
        byte[] id = stanzaId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(2 + id.length + 4 + message.length);
        frame.putShort((short) id.length).put(id).putInt(message.length).put(message).flip();
        try (FileChannel c = FileChannel.open(channel(from, to), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            c.write(frame);
        }
    }

    /** Every complete frame in one direction; a frame torn by a kill at the end is not one. */
    List<Frame> frames(String from, String to) throws IOException {
        Path file = channel(from, to);
        byte[] all = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
        ByteBuffer b = ByteBuffer.wrap(all);
        List<Frame> out = new ArrayList<>();
        while (b.remaining() >= 2) {
            int start = b.position();
            int idLength = Short.toUnsignedInt(b.getShort());
            if (b.remaining() < idLength + 4) {
                b.position(start);
                break;
            }
            byte[] id = new byte[idLength];
            b.get(id);
            int length = b.getInt();
            if (length < 0 || b.remaining() < length) {
                b.position(start);
                break;
            }
            byte[] message = new byte[length];
            b.get(message);
            out.add(new Frame(new String(id, StandardCharsets.UTF_8), message, b.position()));
        }
        return out;
    }

    /** Cuts a torn frame off the end, as a network drops a half-sent packet. */
    void repair(String from, String to) throws IOException {
        Path file = channel(from, to);
        if (!Files.exists(file)) {
            return;
        }
        List<Frame> frames = frames(from, to);
        long end = frames.isEmpty() ? 0 : frames.get(frames.size() - 1).end();
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.truncate(end);
        }
    }

    long acknowledged(String from, String to) throws IOException {
        Path file = ackFile(from, to);
        return Files.exists(file) ? Long.parseLong(Files.readString(file).strip()) : 0;
    }

    /** The receiver acknowledges delivery up to {@code end}: written aside, then renamed into place atomically. */
    void acknowledge(String from, String to, long end) throws IOException {
        Path tmp = dir.resolve("ack-" + from + "-to-" + to + ".tmp");
        Files.writeString(tmp, Long.toString(end));
        Files.move(tmp, ackFile(from, to), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
