package im.sotto.bench.prosody;

import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SottoAccount;
import im.sotto.xmpp.SottoListener;
import im.sotto.xmpp.SottoManager;
import java.io.Reader;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jxmpp.jid.EntityFullJid;

/**
 * Chat throughput through a real Prosody on loopback, plaintext against Sotto, with the same clients: two Smack
 * connections (alice and bob, plaintext c2s on 127.0.0.1) send 200-byte chat messages to each other's full JID, at
 * most {@value #WINDOW} in flight, and the rate is messages delivered per second at the receiver. The encrypted pair
 * has {@link SottoManager} enabled on both sides (in-memory stores, so the figure is protocol and binding, not disk);
 * its session is made (online handshake) before timing. Rounds alternate plaintext and Sotto so that a change in the
 * machine's load hits both; the median round of each is reported.
 *
 * <p>Usage: {@code ProsodyThroughput servers.properties messagesPerRound rounds} (servers.properties as written by
 * {@code scripts/xmpp-servers.sh start}). Prints {@code label<TAB>value} lines.
 */
public final class ProsodyThroughput {
    static final int WINDOW = 32;
    static final String BODY = "x".repeat(200);

    private final Properties servers;

    ProsodyThroughput(Properties servers) {
        this.servers = servers;
    }

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(args[0]))) {
            p.load(r);
        }
        int messages = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        new ProsodyThroughput(p).run(messages, rounds);
    }

    void run(int messages, int rounds) throws Exception {
        Pair plain = plainPair();
        Pair sotto = sottoPair();
        try {
            // Warm both paths (JIT, Prosody's caches) and make Sotto's session.
            plain.round(messages / 4);
            sotto.round(messages / 4);
            List<Double> plainRates = new ArrayList<>();
            List<Double> sottoRates = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                plainRates.add(plain.round(messages));
                sottoRates.add(sotto.round(messages));
            }
            double p = median(plainRates);
            double s = median(sottoRates);
            System.out.printf(Locale.ROOT, "prosody\tplaintext msg/s (median of %d rounds of %d)\t%.0f%n", rounds,
                    messages, p);
            System.out.printf(Locale.ROOT, "prosody\tSotto msg/s (median of %d rounds of %d)\t%.0f%n", rounds,
                    messages, s);
            System.out.printf(Locale.ROOT, "prosody\tplaintext rounds\t%s%n", plainRates);
            System.out.printf(Locale.ROOT, "prosody\tSotto rounds\t%s%n", sottoRates);
            System.out.printf(Locale.ROOT, "prosody\tSotto / plaintext\t%.3f%n", s / p);
        } finally {
            plain.close();
            sotto.close();
        }
    }

    /** A sender and a receiver; {@code send} sends one message to the receiver's full JID. */
    abstract static class Pair {
        final XMPPTCPConnection alice;
        final XMPPTCPConnection bob;
        final Semaphore window = new Semaphore(WINDOW);
        volatile int received;

        Pair(XMPPTCPConnection alice, XMPPTCPConnection bob) {
            this.alice = alice;
            this.bob = bob;
        }

        abstract void send(Message message) throws Exception;

        void delivered() {
            received++;
            window.release();
        }

        /** Sends {@code n} messages, at most {@link #WINDOW} undelivered; returns delivered messages per second. */
        double round(int n) throws Exception {
            EntityFullJid to = bob.getUser();
            int start = received;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                if (!window.tryAcquire(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no delivery for 30 s after " + (received - start) + " of " + n);
                }
                send(StanzaBuilder.buildMessage().to(to).ofType(Message.Type.chat).setBody(BODY).build());
            }
            if (!window.tryAcquire(WINDOW, 60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the last messages did not arrive: " + (received - start) + " of "
                        + n);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            window.release(WINDOW);
            return n / seconds;
        }

        void close() {
            alice.disconnect();
            bob.disconnect();
        }
    }

    private Pair plainPair() throws Exception {
        XMPPTCPConnection alice = login(connection("alice", "plain-a"));
        XMPPTCPConnection bob = login(connection("bob", "plain-b"));
        Pair pair = new Pair(alice, bob) {
            @Override
            void send(Message message) throws Exception {
                alice.sendStanza(message);
            }
        };
        bob.addAsyncStanzaListener(s -> {
            if (((Message) s).getBody() != null) {
                pair.delivered();
            }
        }, StanzaTypeFilter.MESSAGE);
        return pair;
    }

    private Pair sottoPair() throws Exception {
        SecureRandom random = new SecureRandom();
        XMPPTCPConnection alice = connection("alice", "sotto-a");
        XMPPTCPConnection bob = connection("bob", "sotto-b");
        SottoManager aliceSotto = SottoManager.enable(alice,
                SottoAccount.open(new InMemoryAccountStore(), random, Clock.systemUTC()));
        SottoManager bobSotto = SottoManager.enable(bob,
                SottoAccount.open(new InMemoryAccountStore(), random, Clock.systemUTC()));
        aliceSotto.setHandshakeTimeout(Duration.ofSeconds(10));
        login(alice);
        login(bob);
        aliceSotto.republish().get(30, TimeUnit.SECONDS);
        bobSotto.republish().get(30, TimeUnit.SECONDS);
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        Pair pair = new Pair(alice, bob) {
            @Override
            void send(Message message) {
                aliceSotto.send(message).whenComplete((ok, e) -> {
                    if (e != null) {
                        failures.add(e);
                    }
                });
                if (!failures.isEmpty()) {
                    throw new IllegalStateException("Sotto send failed", failures.get(0));
                }
            }
        };
        bobSotto.addListener(new SottoListener() {
            @Override
            public void onStanza(DecryptedStanza stanza) {
                pair.delivered();
            }
        });
        return pair;
    }

    private XMPPTCPConnection connection(String user, String resource) throws Exception {
        String password = servers.getProperty("PROSODY_PASSWORD_" + user.toUpperCase(Locale.ROOT));
        XMPPTCPConnectionConfiguration config = XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(servers.getProperty("PROSODY_DOMAIN"))
                .setHostAddress(InetAddress.getByName(servers.getProperty("PROSODY_HOST")))
                .setPort(Integer.parseInt(servers.getProperty("PROSODY_PORT")))
                .setSecurityMode(ConnectionConfiguration.SecurityMode.disabled)
                .setUsernameAndPassword(user, password)
                .setResource(resource)
                .setSendPresence(true)
                .build();
        XMPPTCPConnection c = new XMPPTCPConnection(config);
        c.setReplyTimeout(30_000);
        return c;
    }

    private static XMPPTCPConnection login(XMPPTCPConnection c) throws Exception {
        c.connect();
        c.login();
        return c;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

}
