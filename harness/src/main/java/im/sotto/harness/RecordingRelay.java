package im.sotto.harness;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP relay on 127.0.0.1 between clients and a server that records every byte in both directions: what the
 * server, and anyone on the client-to-server link, sees. Recordings are read as ISO-8859-1 text (one char per byte,
 * so nothing is lost); {@link #mark()} and the {@code ...Since} methods cut them into steps. TLS, when the clients
 * use it, is recorded as the records on the wire.
 */
public final class RecordingRelay implements AutoCloseable {
    /** Pending connections the listener queues while the acceptor opens the previous one's server side. */
    private static final int BACKLOG = 16;
    private static final int BUFFER_BYTES = 8192;

    /** A position in the recordings of both directions. */
    public record Mark(int toServer, int fromServer) {
    }

    private final ServerSocket listener;
    private final String targetHost;
    private final int targetPort;
    private final ByteArrayOutputStream both = new ByteArrayOutputStream();
    private final ByteArrayOutputStream toServer = new ByteArrayOutputStream();
    private final ByteArrayOutputStream fromServer = new ByteArrayOutputStream();
    private final List<Socket> sockets = new ArrayList<>();

    public RecordingRelay(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, BACKLOG, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "recording-relay-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The loopback port clients connect to instead of the server's. */
    public int port() {
        return listener.getLocalPort();
    }

    /** Everything recorded so far, both directions in the order the relay read it. */
    public synchronized String recorded() {
        return new String(both.toByteArray(), StandardCharsets.ISO_8859_1);
    }

    /** How many bytes were recorded so far, both directions. */
    public synchronized int size() {
        return both.size();
    }

    public synchronized Mark mark() {
        return new Mark(toServer.size(), fromServer.size());
    }

    /** The bytes the clients sent to the server since {@code mark}. */
    public synchronized String toServerSince(Mark mark) {
        return since(toServer, mark.toServer());
    }

    /** The bytes the server sent to the clients since {@code mark}. */
    public synchronized String fromServerSince(Mark mark) {
        return since(fromServer, mark.fromServer());
    }

    private static String since(ByteArrayOutputStream recording, int position) {
        byte[] all = recording.toByteArray();
        return new String(all, position, all.length - position, StandardCharsets.ISO_8859_1);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(targetHost, targetPort);
                synchronized (this) {
                    sockets.add(client);
                    sockets.add(server);
                }
                pump(client, server, toServer);
                pump(server, client, fromServer);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, ByteArrayOutputStream direction) throws IOException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[BUFFER_BYTES];
            try {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    synchronized (this) {
                        both.write(buffer, 0, n);
                        direction.write(buffer, 0, n);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // The other side closed.
            } finally {
                // One side ended: close both, as the kernel does for a process that died (a half-open link would
                // let the server write into the void until it gives the resource to a new login).
                try {
                    to.close();
                    from.close();
                } catch (IOException ignored) {
                    // Already closed.
                }
            }
        }, "recording-relay-pump");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        synchronized (this) {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }
}
