package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.omemo.AxolotlEncrypted;
import im.sotto.xmpp.omemo.OmemoBinding;

import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.StanzaExtensionFilter;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;

/**
 * A user with OMEMO and no Sotto at all (no Sotto manager, no Sotto device list): the OMEMO binding alone on a
 * plain connection, as a contact on an OMEMO-only client looks to Sotto.
 */
final class OmemoParty implements AutoCloseable {
    final XMPPTCPConnection connection;
    final InMemoryAccountStore store = new InMemoryAccountStore();
    final ExecutorService worker = Executors.newSingleThreadExecutor();
    final BlockingQueue<DecryptedStanza> inbox = new LinkedBlockingQueue<>();
    final List<SecurityEvent> events = java.util.Collections.synchronizedList(new ArrayList<>());
    final OmemoBinding omemo;

    OmemoParty(XMPPTCPConnection connection) throws Exception {
        this.connection = connection;
        this.omemo = new OmemoBinding(connection, store, new SecureRandom(), Clock.systemUTC(), worker, events::add,
                inbox::add);
        omemo.start();
        // Without a Sotto manager nothing hands it the messages: a listener of its own, on its worker, in order.
        connection.addSyncStanzaListener(stanza -> worker.execute(() -> omemo.receive((Message) stanza)),
                new AndFilter(StanzaTypeFilter.MESSAGE,
                        new StanzaExtensionFilter(AxolotlEncrypted.ELEMENT, AxolotlEncrypted.NAMESPACE)));
        Pair.login(connection);
        // The test accounts are shared: other tests on this server published Sotto devices of this account, and a
        // contact who lists Sotto devices gets Sotto (never OMEMO). An OMEMO-only user lists none.
        try {
            org.jivesoftware.smackx.pubsub.PubSubManager.getInstanceFor(connection,
                    connection.getUser().asBareJid()).deleteNode(im.sotto.xmpp.pep.PepNodes.DEVICE_LIST);
        } catch (org.jivesoftware.smack.XMPPException.XMPPErrorException noSuchNode) {
            // Nothing listed: as it should be.
        }
        omemo.publishOrThrow();
    }

    /** Sends on the binding's worker, as the manager does. */
    void send(Message message) throws Exception {
        worker.submit(() -> {
            omemo.sendOmemo(message);
            return null;
        }).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
    }

    DecryptedStanza next() throws InterruptedException {
        DecryptedStanza stanza = inbox.poll(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
        assertNotNull(stanza, "nothing arrived; events: " + events);
        return stanza;
    }

    @Override
    public void close() {
        worker.shutdownNow();
        connection.disconnect();
    }
}
