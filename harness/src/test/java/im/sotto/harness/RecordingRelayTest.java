package im.sotto.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class RecordingRelayTest {
    /** A server that answers each line with "ok:" and the line, and closes after "bye". */
    private static Thread echoServer(ServerSocket listener) {
        Thread thread = new Thread(() -> {
            try (Socket socket = listener.accept()) {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                StringBuilder line = new StringBuilder();
                int c;
                while ((c = in.read()) >= 0) {
                    if (c != '\n') {
                        line.append((char) c);
                        continue;
                    }
                    out.write(("ok:" + line + "\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    if (line.toString().equals("bye")) {
                        return;
                    }
                    line.setLength(0);
                }
            } catch (IOException e) {
                // The test fails on what it reads.
            }
        });
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        return line.toString();
    }

    @Test
    void recordsEachDirectionAndCutsTheRecordingAtMarks() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                RecordingRelay relay = new RecordingRelay("127.0.0.1", server.getLocalPort())) {
            echoServer(server);
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), relay.port())) {
                OutputStream out = client.getOutputStream();
                InputStream in = client.getInputStream();
                out.write("first\n".getBytes(StandardCharsets.ISO_8859_1));
                assertEquals("ok:first", readLine(in));
                RecordingRelay.Mark mark = relay.mark();
                out.write("bye\n".getBytes(StandardCharsets.ISO_8859_1));
                assertEquals("ok:bye", readLine(in));
                // The server closed after "bye": the relay closes the client's side too.
                assertEquals(-1, in.read());

                assertEquals("bye\n", relay.toServerSince(mark));
                assertEquals("ok:bye\n", relay.fromServerSince(mark));
                assertEquals("first\nbye\n", relay.toServerSince(new RecordingRelay.Mark(0, 0)));
                assertEquals("first\nok:first\nbye\nok:bye\n", relay.recorded());
                assertEquals(relay.recorded().length(), relay.size());
            }
        }
    }
}
