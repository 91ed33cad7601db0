package im.sotto.xmpp.it;

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
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import im.sotto.xmpp.it.RelayedStanza.Direction;

/**
 * A hostile XMPP server in the loop: a relay on 127.0.0.1 between Smack clients and a real server that splits
 * each direction into stanzas ({@link StanzaSplitter}) and lets the test's {@link StanzaRule} drop, hold, reorder,
 * duplicate, rewrite or inject them, and can cut every connection at once. It records every byte it received in
 * both directions (what the server and anyone on the link sees) for "no plaintext left" assertions, and every
 * stanza as it arrived. TLS is off on loopback for these tests only.
 *
 * <p>By default it hides stream management from the client: the relay changes how many stanzas each side sees, and
 * the acknowledgement counters would make the server close the stream. {@link #keepStreamManagement} keeps it.
 */
final class HostileRelay implements AutoCloseable {
    private static final Pattern BOUND_JID = Pattern.compile("<jid>([^<]+)</jid>");
    private static final Pattern STREAM_MANAGEMENT = Pattern.compile("<sm xmlns=['\"]urn:xmpp:sm:[23]['\"]\\s*/>"
            + "|<sm xmlns=['\"]urn:xmpp:sm:[23]['\"]\\s*>.*?</sm>", Pattern.DOTALL);

    /** One client's connection through the relay: the client side and the server side sockets. */
    static final class Link {
        private final int number;
        private final Socket client;
        private final Socket server;
        private final OutputStream toClient;
        private final OutputStream toServer;
        private volatile String jid;

        private Link(int number, Socket client, Socket server) throws IOException {
            this.number = number;
            this.client = client;
            this.server = server;
            this.toClient = client.getOutputStream();
            this.toServer = server.getOutputStream();
        }

        /** The full JID the server bound for this client, or null before resource binding. */
        String jid() {
            return jid;
        }

        private OutputStream towards(Direction direction) {
            return direction == Direction.TO_SERVER ? toServer : toClient;
        }

        /** Tells the receiving side that nothing more comes this way (the sender closed). */
        private void endTowards(Direction direction) {
            try {
                (direction == Direction.TO_SERVER ? server : client).shutdownOutput();
            } catch (IOException ignored) {
                // Already closed.
            }
        }

        private void close() {
            for (Socket socket : new Socket[] {client, server}) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // Already closed.
                }
            }
        }

        @Override
        public String toString() {
            return "link" + number + "(" + jid + ")";
        }
    }

    private final ServerSocket listener;
    private final String targetHost;
    private final int targetPort;
    private final ByteArrayOutputStream recorded = new ByteArrayOutputStream();
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final List<RelayedStanza> seen = new ArrayList<>();
    private StanzaRule rule = StanzaRule.PASS;
    private volatile boolean streamManagement;

    HostileRelay(XmppServers.Server server) throws IOException {
        this(server.host, server.port);
    }

    HostileRelay(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "hostile-relay-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Lets clients that connect from now on negotiate stream management (for reconnect and resumption tests). */
    HostileRelay keepStreamManagement() {
        streamManagement = true;
        return this;
    }

    /** Applies {@code next} to every stanza from now on (both directions, every connection). */
    synchronized void rule(StanzaRule next) {
        this.rule = Objects.requireNonNull(next, "rule");
    }

    /** Sends {@code stanza} (a held one, or one a rule kept) on its connection and direction now. */
    void forward(RelayedStanza stanza) throws IOException {
        inject(stanza.link(), stanza.direction(), stanza.xml());
    }

    /** Writes {@code xml} on {@code link} towards the server or the client, as if it came from the other side. */
    void inject(Link link, Direction direction, String xml) throws IOException {
        write(link, direction, List.of(xml));
    }

    /** The connection the server bound to {@code fullJid}, or null. */
    Link link(String fullJid) {
        for (Link link : links) {
            if (fullJid.equals(link.jid)) {
                return link;
            }
        }
        return null;
    }

    /** Closes every connection through the relay at once (a network cut); new connections are still accepted. */
    void cutAll() {
        for (Link link : links) {
            link.close();
        }
        links.clear();
    }

    /** Every byte received so far, both directions, as ISO-8859-1 text (one char per byte, nothing lost). */
    synchronized String recorded() {
        return new String(recorded.toByteArray(), StandardCharsets.ISO_8859_1);
    }

    /** The stanzas seen so far, as they arrived (before any rule), matching {@code filter}. */
    synchronized List<RelayedStanza> seen(Predicate<RelayedStanza> filter) {
        return seen.stream().filter(filter).toList();
    }

    private void acceptLoop() {
        int number = 0;
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(targetHost, targetPort);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                Link link = new Link(++number, client, server);
                links.add(link);
                pump(link, Direction.TO_SERVER, client.getInputStream());
                pump(link, Direction.TO_CLIENT, server.getInputStream());
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Link link, Direction direction, InputStream in) {
        Thread thread = new Thread(() -> {
            StanzaSplitter splitter = new StanzaSplitter();
            byte[] buffer = new byte[16384];
            try {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    synchronized (this) {
                        recorded.write(buffer, 0, n);
                    }
                    for (StanzaSplitter.Piece piece : splitter.feed(buffer, 0, n)) {
                        write(link, direction, piece.kind() == StanzaSplitter.Kind.FRAMING ? List.of(piece.text())
                                : judge(new RelayedStanza(link, direction, piece.text())));
                    }
                }
            } catch (IOException e) {
                // One side closed or the link was cut.
            } finally {
                link.endTowards(direction);
            }
        }, "hostile-relay-" + link.number + "-" + direction);
        thread.setDaemon(true);
        thread.start();
    }

    private synchronized List<String> judge(RelayedStanza stanza) {
        seen.add(stanza);
        if (stanza.toClient()) {
            Matcher bound = BOUND_JID.matcher(stanza.xml());
            if (stanza.contains("urn:ietf:params:xml:ns:xmpp-bind") && bound.find()) {
                stanza.link().jid = bound.group(1);
            }
            if (!streamManagement && stanza.name().equals("stream:features")) {
                stanza = stanza.withXml(STREAM_MANAGEMENT.matcher(stanza.xml()).replaceAll(""));
            }
        }
        return rule.apply(stanza);
    }

    private static void write(Link link, Direction direction, List<String> pieces) throws IOException {
        OutputStream out = link.towards(direction);
        synchronized (out) {
            for (String piece : pieces) {
                out.write(piece.getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        cutAll();
    }
}
