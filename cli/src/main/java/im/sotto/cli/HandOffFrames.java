package im.sotto.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/** {@link HandOff}'s frames on the socket: a 4-byte big-endian length, then that many bytes. */
final class HandOffFrames {
    private HandOffFrames() {
    }

    static void write(SocketChannel channel, byte[] payload) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(4 + payload.length);
        frame.putInt(payload.length).put(payload).flip();
        while (frame.hasRemaining()) {
            channel.write(frame);
        }
    }

    /** One frame; refused when its length is not 1..HandOff.MAX_FRAME_BYTES or the stream ends early. */
    static byte[] read(SocketChannel channel) throws IOException, HandOff.Refused {
        ByteBuffer length = ByteBuffer.allocate(4);
        fill(channel, length);
        int size = length.flip().getInt();
        if (size <= 0 || size > HandOff.MAX_FRAME_BYTES) {
            throw new HandOff.Refused("frame length " + size + " outside 1.." + HandOff.MAX_FRAME_BYTES);
        }
        ByteBuffer payload = ByteBuffer.allocate(size);
        fill(channel, payload);
        return payload.array();
    }

    private static void fill(SocketChannel channel, ByteBuffer buffer) throws IOException, HandOff.Refused {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new HandOff.Refused("the frame ended early");
            }
        }
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
