package im.sotto.xmpp.it;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import im.sotto.protocol.store.LogEntry;
import im.sotto.protocol.store.MessageLog;
import im.sotto.store.Protection;
import im.sotto.store.SqliteAccountStore;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SottoAccount;
import im.sotto.xmpp.SottoListener;
import im.sotto.xmpp.SottoManager;

import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Bob's client in a JVM of its own, for {@link ClientKillIT}: a small chat application on the real SQLite store that
 * sends numbered messages to alice and records what it is told, until it is killed. Like a user's outbox, it notes
 * each message before handing it to Sotto ({@code intents.txt}) and, at start, hands over again every noted message
 * that Sotto neither encrypted (it is not in the store's log as sent) nor keeps queued: a message is never given to
 * Sotto twice once Sotto has it. Arguments: a properties file; "final" to send bob's end marker after its last
 * messages and stop cleanly after alice's end marker.
 */
public final class KillDriver implements SottoListener {
    static final String READY = "READY";
    /**
     * How long the last run waits for alice's end marker: everything alice sent comes before it, so a loaded machine
     * (load average 17 with other builds) needs far more than the 60 s it had, which cut the last run short and
     * counted the rest of alice's stream as lost without a report.
     */
    static final int END_WAIT_SECONDS = 240;
    /** The last run's exit status when the end marker never came: the books would be wrong, the test says so. */
    static final int EXIT_NO_END_MARKER = 3;
    static final Pattern BODY = Pattern.compile("<body[^>]*>([^<]*)</body>");

    private final OutputStream events;
    private final String endMarker;
    private final CountDownLatch ended = new CountDownLatch(1);

    private KillDriver(OutputStream events, String endMarker) {
        this.events = events;
        this.endMarker = endMarker;
    }

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            p.load(in);
        }
        boolean last = args.length > 1 && args[1].equals("final");
        Path dir = Path.of(p.getProperty("dir"));
        Path database = dir.resolve("bob.sotto");
        Protection protection = Protection.keyFile(dir.resolve("bob.key"));
        SqliteAccountStore store = Files.exists(database) ? SqliteAccountStore.open(database, protection)
                : SqliteAccountStore.create(database, protection);
        SottoAccount account = SottoAccount.open(store, new SecureRandom(), Clock.systemUTC());
        XMPPTCPConnection connection = new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(p.getProperty("domain")).setHostAddress(InetAddress.getLoopbackAddress())
                .setPort(Integer.parseInt(p.getProperty("port")))
                .setSecurityMode(ConnectionConfiguration.SecurityMode.disabled)
                .setUsernameAndPassword("bob", p.getProperty("password")).setResource(p.getProperty("resource"))
                .build());
        // A restarted process cannot resume the dead one's stream (that state was in its memory); and a hibernating
        // stream on Prosody 0.12 that a new login with the same resource replaces drops what it had queued. So no
        // resumption: the server ends the stream when the process dies and keeps what was unacknowledged offline.
        connection.setUseStreamManagementResumption(false);
        Path intents = dir.resolve("intents.txt");
        try (OutputStream eventLog = new FileOutputStream(dir.resolve("events.txt").toFile(), true);
                OutputStream intentLog = new FileOutputStream(intents.toFile(), true)) {
            KillDriver driver = new KillDriver(eventLog, p.getProperty("end"));
            if (Boolean.getBoolean("sotto.kills.debug")) {
                traceCatchUp();
                eventLog.write(("START " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8));
                trace("START " + ProcessHandle.current().pid());
            }
            SottoManager sotto = SottoManager.enable(connection, account);
            sotto.setHandshakeTimeout(Duration.ofSeconds(2));
            sotto.addListener(driver);
            if (DEBUG) {
                // Which message got which number in the session, and which outer stanzas the server acknowledged.
                sotto.onSealed(sealed -> trace("SEALED " + sealed.stanzaId() + " " + sealed.sequenceByDevice()));
                connection.addStanzaAcknowledgedListener(acked -> trace("ACK " + acked.getStanzaId()));
            }
            connection.connect().login();
            TestContacts.aliceAndBobKnowEachOther(connection);
            sotto.republish().get(120, TimeUnit.SECONDS); // after the first catch-up pass: slow under load
            System.out.println(READY);
            System.out.flush();
            trace("READY");
            var alice = JidCreate.from(p.getProperty("alice"));
            List<Integer> noted = noted(intents);
            Set<String> withSotto = handedOver(store);
            for (int n : noted) {
                if (!withSotto.contains(body(p, n))) {
                    trace("AGAIN " + n);
                    sotto.send(chat(alice, body(p, n)));
                }
            }
            int sendEveryMs = Integer.parseInt(p.getProperty("sendEveryMs"));
            int finalCount = Integer.parseInt(p.getProperty("finalCount"));
            int next = noted.isEmpty() ? 0 : noted.get(noted.size() - 1) + 1;
            for (int sent = 0; !last || sent < finalCount; sent++, next++) {
                intentLog.write((next + "\n").getBytes(StandardCharsets.US_ASCII));
                intentLog.flush();
                trace("SEND " + next);
                var done = sotto.send(chat(alice, body(p, next)));
                if (DEBUG) {
                    int n = next;
                    done.whenComplete((ok, error) -> trace("SENT " + n + (error == null ? "" : " failed: " + error)));
                }
                if (last) {
                    done.get(30, TimeUnit.SECONDS);
                }
                Thread.sleep(sendEveryMs);
            }
            if (last) {
                // After everything this account sent: alice's books are read once it reached her, not before.
                trace("SEND bob's end marker");
                sotto.send(chat(alice, p.getProperty("bobEnd"))).get(30, TimeUnit.SECONDS);
            }
            boolean ended = driver.ended.await(END_WAIT_SECONDS, TimeUnit.SECONDS);
            trace("END-MARKER " + ended);
            sotto.disable();
            trace("DISABLED");
            connection.disconnect();
            store.close();
            System.exit(ended ? 0 : EXIT_NO_END_MARKER);
        }
    }

    private static final boolean DEBUG = Boolean.getBoolean("sotto.kills.debug");

    /** Debug runs: one line on standard error, with the time in milliseconds (to line it up with alice's). */
    static void trace(String line) {
        if (DEBUG) {
            System.err.println(System.currentTimeMillis() + " " + line);
        }
    }

    /** Debug runs: the archive catch-up's steps (positions, archive and stanza ids) on standard error. */
    private static void traceCatchUp() {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("im.sotto.xmpp.ArchiveCatchUp");
        log.setLevel(java.util.logging.Level.FINE);
        java.util.logging.Handler handler = new java.util.logging.StreamHandler(System.err,
                new java.util.logging.SimpleFormatter()) {
            @Override
            public synchronized void publish(java.util.logging.LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        handler.setLevel(java.util.logging.Level.FINE);
        log.addHandler(handler);
        CATCH_UP_TRACE.add(log);
    }

    /** Keeps the traced logger reachable (a logger only weakly held would lose its level). */
    private static final List<java.util.logging.Logger> CATCH_UP_TRACE = new ArrayList<>();

    static String body(Properties p, int n) {
        return p.getProperty("prefix") + n + ".";
    }

    private static Message chat(org.jxmpp.jid.Jid to, String body) {
        return StanzaBuilder.buildMessage().to(to).ofType(Message.Type.chat).setBody(body).build();
    }

    private static List<Integer> noted(Path intents) throws IOException {
        List<Integer> noted = new ArrayList<>();
        for (String line : Files.readAllLines(intents, StandardCharsets.US_ASCII)) {
            if (!line.isBlank()) {
                noted.add(Integer.parseInt(line.trim()));
            }
        }
        return noted;
    }

    /** Bodies Sotto has: encrypted (logged as sent) or waiting in its queue. */
    private static Set<String> handedOver(SqliteAccountStore store) {
        Set<String> bodies = new HashSet<>();
        for (String body : bodiesInLog(store, LogEntry.Direction.SENT)) {
            bodies.add(body);
        }
        store.transact(s -> {
            for (String peer : s.outboundQueue().peers()) {
                for (var queued : s.outboundQueue().pending(peer)) {
                    Matcher m = BODY.matcher(new String(queued.stanza(), StandardCharsets.UTF_8));
                    while (m.find()) {
                        bodies.add(m.group(1));
                    }
                }
            }
            return null;
        });
        return bodies;
    }

    /** The bodies of every stanza in the store's message log in one direction, in log order (with repeats). */
    static List<String> bodiesInLog(SqliteAccountStore store, LogEntry.Direction direction) {
        return messagesInLog(store, direction).stream().map(KillAccounting.Logged::body).toList();
    }

    /** The received messages in the store's log, in log order, each with whether it carries the mark of a copy. */
    static List<KillAccounting.Logged> receivedInLog(SqliteAccountStore store) {
        return messagesInLog(store, LogEntry.Direction.RECEIVED);
    }

    /** The messages with a body in the store's log in one direction, in log order, with the mark of a copy or not. */
    private static List<KillAccounting.Logged> messagesInLog(SqliteAccountStore store, LogEntry.Direction direction) {
        return store.transact(s -> {
            List<KillAccounting.Logged> logged = new ArrayList<>();
            long after = 0;
            while (true) {
                List<MessageLog.Logged> page = s.messageLog().read(after, 500);
                if (page.isEmpty()) {
                    return logged;
                }
                for (MessageLog.Logged entry : page) {
                    after = entry.sequence();
                    if (entry.entry().direction() == direction) {
                        String content = new String(entry.entry().content(), StandardCharsets.UTF_8);
                        Matcher m = BODY.matcher(content);
                        if (m.find()) {
                            logged.add(new KillAccounting.Logged(m.group(1), RESENT_MARK.matcher(content).find()));
                        }
                    }
                }
            }
        });
    }

    /** The mark of a copy sent again under a new session, inside its envelope (ResentMark). */
    private static final Pattern RESENT_MARK = Pattern.compile("<resent\\b[^>]*https://sotto\\.im/protocol/1/resent");

    @Override
    public void onStanza(DecryptedStanza stanza) {
        if (Boolean.getBoolean("sotto.kills.debug") && stanza.stanza() instanceof Message got) {
            trace("GOT " + got.getStanzaId() + " " + got.getBody());
        }
        if (stanza.stanza() instanceof Message message && endMarker.equals(message.getBody())) {
            ended.countDown();
        }
    }

    @Override
    public synchronized void onEvent(SecurityEvent event) {
        try {
            events.write((event + "\n").getBytes(StandardCharsets.UTF_8));
            events.flush();
        } catch (IOException | RuntimeException e) {
            e.printStackTrace();
            throw new IllegalStateException(e);
        }
    }
}
