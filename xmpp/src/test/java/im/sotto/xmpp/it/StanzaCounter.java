package im.sotto.xmpp.it;

import java.util.concurrent.atomic.AtomicInteger;

import org.jivesoftware.smack.StanzaListener;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.filter.StanzaFilter;

/**
 * Counts the stanzas one connection sends and receives while it is armed, so a test can state what a path costs.
 * Only stanzas matching the filter count (e.g. leaving out the server's own disco and presence chatter).
 */
final class StanzaCounter implements AutoCloseable {
    private final XMPPConnection connection;
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger received = new AtomicInteger();
    private final StanzaListener onSent = stanza -> sent.incrementAndGet();
    private final StanzaListener onReceived = stanza -> received.incrementAndGet();

    StanzaCounter(XMPPConnection connection, StanzaFilter filter) {
        this(connection, filter, filter);
    }

    /** Counts sent stanzas matching {@code sentFilter} and received ones matching {@code receivedFilter}. */
    StanzaCounter(XMPPConnection connection, StanzaFilter sentFilter, StanzaFilter receivedFilter) {
        this.connection = connection;
        connection.addStanzaSendingListener(onSent, sentFilter);
        connection.addSyncStanzaListener(onReceived, receivedFilter);
    }

    /**
     * Our iq requests going out and the answers coming in: the server's own requests to us (a ping, a roster push)
     * and our answers to them are not part of any path a test measures.
     */
    static StanzaCounter iqRequestsAndAnswers(XMPPConnection connection) {
        return new StanzaCounter(connection,
                stanza -> stanza instanceof org.jivesoftware.smack.packet.IQ iq && iq.isRequestIQ(),
                stanza -> stanza instanceof org.jivesoftware.smack.packet.IQ iq && (iq.getType() == org.jivesoftware.smack.packet.IQ.Type.result
                        || iq.getType() == org.jivesoftware.smack.packet.IQ.Type.error));
    }

    /**
     * Smack calls sending listeners and (non-collector) receive listeners on its own executors, after the
     * stanza went out or a collector already saw it; wait until the counts have been stable for a moment.
     */
    StanzaCounter settle() throws InterruptedException {
        long deadline = System.nanoTime() + 3_000_000_000L;
        int last = -1;
        while (System.nanoTime() < deadline) {
            int now = sent.get() * 10_000 + received.get();
            if (now == last) {
                return this;
            }
            last = now;
            Thread.sleep(150);
        }
        return this;
    }

    int sent() {
        return sent.get();
    }

    int received() {
        return received.get();
    }

    @Override
    public void close() {
        connection.removeStanzaSendingListener(onSent);
        connection.removeSyncStanzaListener(onReceived);
    }

    @Override
    public String toString() {
        return sent() + " sent, " + received() + " received";
    }
}
