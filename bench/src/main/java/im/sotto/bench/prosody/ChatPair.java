package im.sotto.bench.prosody;

import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SottoAccount;
import im.sotto.xmpp.SottoListener;
import im.sotto.xmpp.SottoManager;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jxmpp.jid.EntityFullJid;

/**
 * alice sending chat messages to bob's full JID through the server, two Smack connections of one configuration; bob
 * counts each message whose body arrives (plaintext: as Smack parsed it; Sotto: as {@link SottoManager} decrypted
 * it). The two kinds differ only in {@link #send}.
 */
abstract class ChatPair implements AutoCloseable {
    final XMPPTCPConnection alice;
    final XMPPTCPConnection bob;
    private volatile SlidingWindow window = new SlidingWindow(1);
    /** Stanzas either client received from the server, whatever they are (messages, heartbeats, receipts...). */
    private final AtomicLong stanzasIn = new AtomicLong();

    ChatPair(XMPPTCPConnection alice, XMPPTCPConnection bob) {
        this.alice = alice;
        this.bob = bob;
        alice.addSyncStanzaListener(s -> stanzasIn.incrementAndGet(), s -> true);
        bob.addSyncStanzaListener(s -> stanzasIn.incrementAndGet(), s -> true);
    }

    /** The largest session record the sender holds now, in bytes; -1 without sessions (plaintext). */
    long senderRecordBytes() {
        return -1;
    }

    /** Stanzas received by either client so far. */
    final long stanzasIn() {
        return stanzasIn.get();
    }

    abstract String kind();

    abstract void send(Message message) throws Exception;

    /** Counts one delivered message. */
    final void delivered() {
        window.delivered();
    }

    /** Sends {@code n} messages with {@code body}, at most {@code windowSize} not yet counted; returns nanoseconds. */
    final long round(int n, int windowSize, String body) throws Exception {
        SlidingWindow w = new SlidingWindow(windowSize);
        window = w;
        EntityFullJid to = bob.getUser();
        try {
            return w.round(n, i -> send(StanzaBuilder.buildMessage().to(to).ofType(Message.Type.chat).setBody(body)
                    .build()));
        } catch (IllegalStateException e) {
            throw new IllegalStateException(kind() + ", window " + windowSize + ", " + body.length() + " B: "
                    + e.getMessage(), e);
        }
    }

    /** Whether both client sockets have Nagle's algorithm off, read from Smack's socket (for the report). */
    final boolean noDelay() throws Exception {
        return noDelay(alice) && noDelay(bob);
    }

    private static boolean noDelay(XMPPTCPConnection c) throws Exception {
        Field f = XMPPTCPConnection.class.getDeclaredField("socket");
        f.setAccessible(true);
        return ((Socket) f.get(c)).getTcpNoDelay();
    }

    @Override
    public void close() {
        alice.disconnect();
        bob.disconnect();
    }

    static ChatPair plaintext(Properties servers, boolean noDelay) throws Exception {
        XMPPTCPConnection alice = login(connection(servers, "alice", "plain-a", noDelay));
        XMPPTCPConnection bob = login(connection(servers, "bob", "plain-b", noDelay));
        ChatPair pair = new ChatPair(alice, bob) {
            @Override
            String kind() {
                return "plaintext";
            }

            @Override
            void send(Message message) throws Exception {
                alice.sendStanza(message);
            }
        };
        // A sync listener: called in arrival order on one thread, as Sotto's incoming listener is.
        bob.addSyncStanzaListener(s -> {
            if (((Message) s).getBody() != null) {
                pair.delivered();
            }
        }, StanzaTypeFilter.MESSAGE);
        return pair;
    }

    /** Sotto on both sides, in-memory stores (so the figure is protocol and binding, not disk). */
    static ChatPair sotto(Properties servers, boolean noDelay) throws Exception {
        SecureRandom random = new SecureRandom();
        XMPPTCPConnection alice = connection(servers, "alice", "sotto-a", noDelay);
        XMPPTCPConnection bob = connection(servers, "bob", "sotto-b", noDelay);
        InMemoryAccountStore aliceStore = new InMemoryAccountStore();
        SottoManager aliceSotto = SottoManager.enable(alice, SottoAccount.open(aliceStore, random, Clock.systemUTC()));
        SottoManager bobSotto = SottoManager.enable(bob,
                SottoAccount.open(new InMemoryAccountStore(), random, Clock.systemUTC()));
        aliceSotto.setHandshakeTimeout(Duration.ofSeconds(10));
        login(alice);
        login(bob);
        aliceSotto.republish().get(30, TimeUnit.SECONDS);
        bobSotto.republish().get(30, TimeUnit.SECONDS);
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        ChatPair pair = new ChatPair(alice, bob) {
            @Override
            String kind() {
                return "Sotto";
            }

            @Override
            long senderRecordBytes() {
                return aliceStore.transact(st -> st.sessions().addresses().stream()
                        .mapToLong(a -> st.sessions().load(a).map(r -> r.length).orElse(0)).max().orElse(-1));
            }

            @Override
            void send(Message message) {
                if (!failures.isEmpty()) {
                    throw new IllegalStateException("Sotto send failed", failures.get(0));
                }
                aliceSotto.send(message).whenComplete((ok, e) -> {
                    if (e != null) {
                        failures.add(e);
                    }
                });
            }
        };
        bobSotto.addListener(new SottoListener() {
            @Override
            public void onStanza(DecryptedStanza stanza) {
                if (stanza.stanza() instanceof Message && ((Message) stanza.stanza()).getBody() != null) {
                    pair.delivered();
                }
            }
        });
        return pair;
    }

    private static XMPPTCPConnection connection(Properties servers, String user, String resource, boolean noDelay)
            throws Exception {
        String password = servers.getProperty("PROSODY_PASSWORD_" + user.toUpperCase(Locale.ROOT));
        XMPPTCPConnectionConfiguration.Builder config = XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(servers.getProperty("PROSODY_DOMAIN"))
                .setHostAddress(InetAddress.getByName(servers.getProperty("PROSODY_HOST")))
                .setPort(Integer.parseInt(servers.getProperty("PROSODY_PORT")))
                .setSecurityMode(ConnectionConfiguration.SecurityMode.disabled)
                .setUsernameAndPassword(user, password)
                .setResource(resource)
                .setSendPresence(true);
        if (noDelay) {
            config.setSocketFactory(new NoDelaySocketFactory());
        }
        XMPPTCPConnection c = new XMPPTCPConnection(config.build());
        c.setReplyTimeout(30_000);
        return c;
    }

    private static XMPPTCPConnection login(XMPPTCPConnection c) throws Exception {
        c.connect();
        c.login();
        return c;
    }
}
