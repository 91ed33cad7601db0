package im.sotto.cli.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import im.sotto.cli.CliException;
import im.sotto.cli.Connector;
import im.sotto.cli.ExitCode;
import im.sotto.harness.Party;
import im.sotto.store.Protection;
import im.sotto.store.SqliteAccountStore;
import im.sotto.store.StoreOpenException;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SottoAccount;
import im.sotto.xmpp.SottoListener;
import im.sotto.xmpp.SottoManager;
import im.sotto.xmpp.element.SottoEncrypted;
import im.sotto.xmpp.element.SottoEncryptedIq;

import org.jivesoftware.smack.filter.StanzaFilter;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jxmpp.jid.EntityBareJid;

/**
 * Alice or Bob in the demo: a real SQLite store in a temporary directory, a connection through the recording relay;
 * what it received ({@code inbox}, {@code events}) is the shared harness's {@link Party}.
 */
final class DemoParty extends Party<DecryptedStanza, SecurityEvent> implements SottoListener, AutoCloseable {
    static final long WAIT_MS = 20_000;
    static final StanzaFilter SOTTO = stanza -> stanza instanceof SottoEncryptedIq
            || stanza.hasExtension(SottoEncrypted.ELEMENT, SottoEncrypted.NAMESPACE);

    final String name;
    final EntityBareJid jid;
    private final char[] password;
    final SqliteAccountStore store;
    final SottoAccount account;
    XMPPTCPConnection connection;
    SottoManager manager;
    final AtomicInteger sotto = new AtomicInteger();
    final AtomicReference<Stanza> lastSent = new AtomicReference<>();

    DemoParty(String name, EntityBareJid jid, char[] password, Path directory) {
        super(Duration.ofMillis(WAIT_MS));
        this.name = name;
        this.jid = jid;
        this.password = password.clone();
        try {
            this.store = SqliteAccountStore.create(directory.resolve(name + ".db"),
                    Protection.keyFile(directory.resolve(name + ".key")));
        } catch (IOException | StoreOpenException e) {
            throw new CliException(ExitCode.FAILED, "cannot create " + name + "'s store in " + directory + ": "
                    + e.getMessage(), e);
        }
        this.account = SottoAccount.open(store, new SecureRandom(), Clock.systemUTC());
    }

    /** Logs in (Sotto enabled first, so offline messages delivered at login are decrypted) and publishes. */
    void connect(String resource, Connector.Transport transport) throws Exception {
        XMPPTCPConnection c = Connector.connection(jid, password, resource, transport);
        c.addStanzaSendingListener(stanza -> {
            sotto.incrementAndGet();
            lastSent.set(stanza);
        }, SOTTO);
        SottoManager m = SottoManager.enable(c, account);
        m.setHandshakeTimeout(Duration.ofSeconds(5));
        m.addListener(this);
        this.connection = c;
        this.manager = m;
        Connector.connectAndLogin(c, jid, transport);
        m.republish().get(WAIT_MS, TimeUnit.MILLISECONDS);
    }

    /** Adds {@code contact} to this account's roster (once; the server keeps it). */
    void addContact(EntityBareJid contact) throws Exception {
        org.jivesoftware.smack.roster.Roster roster = org.jivesoftware.smack.roster.Roster.getInstanceFor(connection);
        if (!roster.isLoaded()) {
            roster.reloadAndWait();
        }
        if (roster.getEntry(contact) == null) {
            roster.createItem(contact, contact.getLocalpart().toString(), null);
        }
    }

    void disconnect() {
        if (connection != null) {
            connection.disconnect();
        }
    }

    DecryptedStanza next() throws InterruptedException {
        return nextWithin().orElseThrow(() -> new IllegalStateException(name + " received nothing within "
                + WAIT_MS / 1000 + " s; events: " + events));
    }

    /** The first matching event, or null when none came in time (the step's check then fails). */
    <E extends SecurityEvent> E awaitEvent(Class<E> type, Predicate<E> condition) throws InterruptedException {
        return eventWithin(type, condition).orElse(null);
    }

    @Override
    public void close() {
        disconnect();
        store.close();
        java.util.Arrays.fill(password, '\0');
    }
}
