package im.sotto.cli.demo;

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
 * A TCP relay on 127.0.0.1 between the demo's clients and the server that records every byte each way: what the
 * server, and anyone on the client-to-server link, sees. {@link #mark()} and {@link #since} cut the recording into
 * the demo's steps.
 */
final class WireRecorder implements AutoCloseable {
    /** A position in both recordings. */
    record Mark(int toServer, int fromServer) {
    }

    private final ServerSocket listener;
    private final String targetHost;
    private final int targetPort;
    private final ByteArrayOutputStream toServer = new ByteArrayOutputStream();
    private final ByteArrayOutputStream fromServer = new ByteArrayOutputStream();
    private final List<Socket> sockets = new ArrayList<>();

    WireRecorder(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "sotto-demo-relay");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    synchronized Mark mark() {
        return new Mark(toServer.size(), fromServer.size());
    }

    /** The bytes sent to the server since {@code mark}, as ISO-8859-1 text (one char per byte, nothing lost). */
    synchronized String toServerSince(Mark mark) {
        byte[] all = toServer.toByteArray();
        return new String(all, mark.toServer, all.length - mark.toServer, StandardCharsets.ISO_8859_1);
    }

    /** The bytes the server sent to the clients since {@code mark}, as ISO-8859-1 text. */
    synchronized String fromServerSince(Mark mark) {
        byte[] all = fromServer.toByteArray();
        return new String(all, mark.fromServer, all.length - mark.fromServer, StandardCharsets.ISO_8859_1);
    }

    synchronized String everything() {
        return new String(toServer.toByteArray(), StandardCharsets.ISO_8859_1)
                + new String(fromServer.toByteArray(), StandardCharsets.ISO_8859_1);
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

    private void pump(Socket from, Socket to, ByteArrayOutputStream record) throws IOException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    synchronized (this) {
                        record.write(buffer, 0, n);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // The other side closed.
            } finally {
                try {
                    to.shutdownOutput();
                } catch (IOException ignored) {
                    // Already closed.
                }
            }
        }, "sotto-demo-relay-pump");
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
