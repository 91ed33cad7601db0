package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import im.sotto.harness.Party;
import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SottoAccount;
import im.sotto.xmpp.SottoListener;
import im.sotto.xmpp.SottoManager;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;

/**
 * One user's device in a test: its account (kept across reconnects), connection and manager; what it received
 * ({@code inbox}, {@code events}) is the shared harness's {@link Party}, and a wait that runs out fails the test.
 */
final class SottoParty extends Party<DecryptedStanza, SecurityEvent> implements SottoListener {
    static final long WAIT_MS = 15_000;

    final SottoAccount account;
    XMPPTCPConnection connection;
    SottoManager manager;

    SottoParty() {
        this(SottoAccount.open(new InMemoryAccountStore(), new SecureRandom(), Clock.systemUTC()));
    }

    SottoParty(SottoAccount account) {
        super(Duration.ofMillis(WAIT_MS));
        this.account = account;
    }

    /**
     * Enables Sotto on {@code connection}, logs in (enabled first, so offline messages delivered at login are
     * seen) and waits until the bundle is published.
     */
    /**
     * {@link #connect}, with a manager that looks for a contact's OMEMO-only devices at every send, not only every
     * ten minutes (OmemoCompanionElements.RECHECK_AFTER): for tests where such a device appears between two sends.
     */
    SottoParty connectCheckingOmemoDevicesAtEverySend(XMPPTCPConnection connection) throws Exception {
        System.setProperty("sotto.devices.recheckMs", "0");
        try {
            return connect(connection);
        } finally {
            System.clearProperty("sotto.devices.recheckMs");
        }
    }

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

    DecryptedStanza next() throws InterruptedException {
        DecryptedStanza stanza = nextWithin().orElse(null);
        assertNotNull(stanza, "nothing arrived; events: " + events);
        return stanza;
    }

    /**
     * Waits until {@code device}'s account publishes its OMEMO side (docs/protocol.md 10.13), read from this party's
     * connection, as a contact sees it.
     */
    void awaitOmemoSideOf(SottoParty device) throws Exception {
        long id = device.account.device().deviceId();
        long omemo03 = device.manager.omemo().deviceId();
        long omemo2 = device.manager.omemo().omemo2().deviceId();
        org.jxmpp.jid.BareJid owner = device.connection.getUser().asBareJid();
        long deadline = System.currentTimeMillis() + WAIT_MS;
        Exception last = null;
        while (System.currentTimeMillis() < deadline) {
            try {
                java.util.Optional<byte[]> list = new im.sotto.xmpp.pep.BundlePublisher(connection)
                        .fetchOmemoSides(owner);
                if (list.isPresent() && im.sotto.protocol.device.OmemoSides.parse(list.get()).sides().stream()
                        .anyMatch(s -> s.deviceId() == id && s.omemo03().orElse(0) == omemo03
                                && s.omemo2().orElse(0) == omemo2)) {
                    return;
                }
            } catch (im.sotto.xmpp.pep.PepException e) {
                last = e;   // not published yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError(owner + " did not publish the OMEMO side of device " + id + " (" + last + "); "
                + device.events);
    }

    <E extends SecurityEvent> E awaitEvent(Class<E> type, Predicate<E> condition) throws InterruptedException {
        return eventWithin(type, condition)
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " matching; events: " + events));
    }
}
