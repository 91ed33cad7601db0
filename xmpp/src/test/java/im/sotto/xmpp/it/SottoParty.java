package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SottoAccount;
import im.sotto.xmpp.SottoListener;
import im.sotto.xmpp.SottoManager;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;

/** One user's device in a test: its account (kept across reconnects), connection, manager and what it received. */
final class SottoParty implements SottoListener {
    static final long WAIT_MS = 15_000;

    final SottoAccount account;
    XMPPTCPConnection connection;
    SottoManager manager;
    final BlockingQueue<DecryptedStanza> inbox = new LinkedBlockingQueue<>();
    final List<SecurityEvent> events = java.util.Collections.synchronizedList(new ArrayList<>());

    SottoParty() {
        this(SottoAccount.open(new InMemoryAccountStore(), new SecureRandom(), Clock.systemUTC()));
    }

    SottoParty(SottoAccount account) {
        this.account = account;
    }

    /**
     * Enables Sotto on {@code connection}, logs in (enabled first, so offline messages delivered at login are
     * seen) and waits until the bundle is published.
     */
    SottoParty connect(XMPPTCPConnection connection) throws Exception {
        this.manager = SottoManager.enable(connection, account);
        manager.setHandshakeTimeout(Duration.ofSeconds(5));
        manager.addListener(this);
        this.connection = Pair.login(connection);
        TestContacts.aliceAndBobKnowEachOther(connection);
        manager.republish().get(WAIT_MS, TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * Stops as an application does: Sotto first (it waits briefly for the server to acknowledge what was sent, so a
     * later run with this account has nothing to send again), then the connection.
     */
    void disconnect() {
        if (manager != null) {
            manager.disable();
        }
        if (connection != null) {
            connection.disconnect();
        }
    }

    @Override
    public void onStanza(DecryptedStanza stanza) {
        inbox.add(stanza);
    }

    @Override
    public void onEvent(SecurityEvent event) {
        events.add(event);
    }

    DecryptedStanza next() throws InterruptedException {
        DecryptedStanza stanza = inbox.poll(WAIT_MS, TimeUnit.MILLISECONDS);
        assertNotNull(stanza, "nothing arrived; events: " + events);
        return stanza;
    }

    <E extends SecurityEvent> E awaitEvent(Class<E> type, Predicate<E> condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
        while (System.nanoTime() < deadline) {
            synchronized (events) {
                for (SecurityEvent event : events) {
                    if (type.isInstance(event) && condition.test(type.cast(event))) {
                        return type.cast(event);
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + type.getSimpleName() + " matching; events: " + events);
    }
}
