package im.sotto.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The local hand-off between a command and a running {@code listen} of the same account, over a Unix domain socket
 * ({@link #SOCKET}) in the account's directory: owner-only (0600 in the 0700 directory), and the server also checks
 * the connecting process runs as the same user. One request, one answer, each a frame: a 4-byte big-endian length,
 * then that many bytes of UTF-8 JSON. The requests are {@code {"v":1,"request":"send","to":JID,"body":TEXT}} and
 * {@code {"v":1,"request":"contacts"}}; the answer is {@code {"exit":CODE,"out":TEXT,"err":TEXT}}, what the
 * command prints and its exit code. Anything
 * else (another field, a missing one, another version, a frame over {@link #MAX_FRAME_BYTES}) is refused with exit
 * code 2 and changes nothing.
 */
final class HandOff {
    static final String SOCKET = "control.sock";
    static final int VERSION = 1;
    /**
     * A message may take 120 KiB after XML escaping (MessageText); JSON escapes a character into at most 6 bytes and
     * control characters are refused anyway, so 1 MiB holds any valid request and bounds what a bad one can make the
     * listen allocate.
     */
    static final int MAX_FRAME_BYTES = 1 << 20;
    private static final Set<String> SEND_FIELDS = Set.of("v", "request", "to", "body");
    private static final Set<String> CONTACTS_FIELDS = Set.of("v", "request");
    private static final ObjectMapper JSON = new ObjectMapper();

    private HandOff() {
    }

    /** A request the server accepts; {@link #parse} makes one only from a well-formed frame. */
    sealed interface Request permits Send, Contacts {
    }

    /** {@code sotto send TO BODY}. */
    record Send(String to, String body) implements Request {
    }

    /** {@code sotto contacts}, answered with the running listen's live presence. */
    record Contacts() implements Request {
    }

    /** What the command prints and returns, produced by the listen that did the work. */
    record Answer(int exit, String out, String err) {
    }

    /** Thrown for a frame or request the protocol does not allow; nothing is done for it. */
    static final class Refused extends Exception {
        Refused(String why) {
            super(why);
        }
    }

    static Request parse(byte[] frame) throws Refused {
        JsonNode root;
        try {
            root = JSON.readTree(frame);
        } catch (IOException e) {
            throw new Refused("not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new Refused("not a JSON object");
        }
        if (!root.path("v").isInt() || root.get("v").intValue() != VERSION) {
            throw new Refused("version must be " + VERSION);
        }
        String request = root.path("request").textValue();
        Set<String> allowed = "send".equals(request) ? SEND_FIELDS : "contacts".equals(request) ? CONTACTS_FIELDS
                : null;
        if (allowed == null) {
            throw new Refused("the requests are send and contacts");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new Refused("unknown field " + SafeText.of(name));
            }
        }
        if (allowed == CONTACTS_FIELDS) {
            return new Contacts();
        }
        if (!root.path("to").isTextual() || !root.path("body").isTextual()) {
            throw new Refused("send needs the text fields to and body");
        }
        return new Send(root.get("to").textValue(), root.get("body").textValue());
    }

    static byte[] encode(Contacts contacts) throws IOException {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("v", VERSION);
        request.put("request", "contacts");
        return JSON.writeValueAsBytes(request);
    }

    static byte[] encode(Send send) throws IOException {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("v", VERSION);
        request.put("request", "send");
        request.put("to", send.to());
        request.put("body", send.body());
        return JSON.writeValueAsBytes(request);
    }

    static byte[] encode(Answer answer) throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("exit", answer.exit());
        map.put("out", answer.out());
        map.put("err", answer.err());
        return JSON.writeValueAsBytes(map);
    }

    static Answer parseAnswer(byte[] frame) throws Refused {
        try {
            JsonNode root = JSON.readTree(frame);
            if (root == null || !root.path("exit").isInt() || !root.path("out").isTextual()
                    || !root.path("err").isTextual()) {
                throw new Refused("malformed answer");
            }
            return new Answer(root.get("exit").intValue(), root.get("out").textValue(), root.get("err").textValue());
        } catch (IOException e) {
            throw new Refused("malformed answer");
        }
    }

    static void write(SocketChannel channel, byte[] payload) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(4 + payload.length);
        frame.putInt(payload.length).put(payload).flip();
        while (frame.hasRemaining()) {
            channel.write(frame);
        }
    }

    /** One frame; refused when its length is not 1..MAX_FRAME_BYTES or the stream ends early. */
    static byte[] read(SocketChannel channel) throws IOException, Refused {
        ByteBuffer length = ByteBuffer.allocate(4);
        fill(channel, length);
        int size = length.flip().getInt();
        if (size <= 0 || size > MAX_FRAME_BYTES) {
            throw new Refused("frame length " + size + " outside 1.." + MAX_FRAME_BYTES);
        }
        ByteBuffer payload = ByteBuffer.allocate(size);
        fill(channel, payload);
        return payload.array();
    }

    private static void fill(SocketChannel channel, ByteBuffer buffer) throws IOException, Refused {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new Refused("the frame ended early");
            }
        }
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
