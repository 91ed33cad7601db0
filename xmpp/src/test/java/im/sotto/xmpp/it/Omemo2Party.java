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

import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.omemo.OmemoBinding;
import im.sotto.xmpp.omemo2.Omemo2Binding;
import im.sotto.xmpp.omemo2.Omemo2Encrypted;

import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.StanzaExtensionFilter;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;

/**
 * A device with OMEMO 2 only (no Sotto, no OMEMO 0.3 published): the OMEMO 2 binding alone on a plain connection,
 * as a contact's OMEMO 2 client looks to Sotto. The account's Sotto device list must be emptied by the caller.
 */
final class Omemo2Party implements AutoCloseable {
    final XMPPTCPConnection connection;
    final ExecutorService worker = Executors.newSingleThreadExecutor();
    final BlockingQueue<DecryptedStanza> inbox = new LinkedBlockingQueue<>();
    final List<SecurityEvent> events = java.util.Collections.synchronizedList(new ArrayList<>());
    final Omemo2Binding omemo2;

    Omemo2Party(XMPPTCPConnection connection) throws Exception {
        this.connection = connection;
        OmemoBinding omemo = new OmemoBinding(connection, new InMemoryAccountStore(), new SecureRandom(),
                Clock.systemUTC(), worker, events::add, inbox::add);
        omemo.start();
        this.omemo2 = omemo.omemo2();
        // claim, as the manager's receive path: a stanza whose OMEMO 0.3 element is for others is not reported here.
        connection.addSyncStanzaListener(stanza -> worker.execute(() -> omemo2.claim((Message) stanza)),
                new AndFilter(StanzaTypeFilter.MESSAGE,
                        new StanzaExtensionFilter(Omemo2Encrypted.ELEMENT, Omemo2Encrypted.QNAME.getNamespaceURI())));
        Pair.login(connection);
        omemo2.publishOrThrow();
    }

    DecryptedStanza next() throws InterruptedException {
        DecryptedStanza stanza = inbox.poll(SottoParty.WAIT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        assertNotNull(stanza, "nothing arrived; events: " + events);
        return stanza;
    }

    @Override
    public void close() {
        worker.shutdownNow();
        connection.disconnect();
    }
}
