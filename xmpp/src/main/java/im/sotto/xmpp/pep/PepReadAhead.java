package im.sotto.xmpp.pep;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.SmackFuture;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.IQ;

/**
 * The one way the PEP code (Sotto, OMEMO 0.3, OMEMO 2) sends its requests, so that reads it will make one after the
 * other can be sent at once instead.
 *
 * <p>At each login this device checks that the server still serves its bundles and lists it (Sotto's, OMEMO 0.3's
 * and OMEMO 2's: seven reads, each waiting for the one before, about 0.3 s of a one-shot {@code sotto send} on
 * loopback); before a message to a Sotto contact, the contact's OMEMO lists and OMEMO sides are read (docs/protocol.md
 * 10.13). {@link #readAhead} sends such reads together; the code that needs them then finds the answer waiting. An
 * answer serves the first read of its node only, while it is {@link #FRESH} and no request that changes a node (a
 * publish, a delete, a configuration) went out through here since; any other read goes to the server as before. The answer is the server's
 * own, errors included, so the callers decide exactly as they did.
 */
public final class PepReadAhead {
    /**
     * How old a read-ahead answer may be. The login's checks use theirs within a second or two (after the archive
     * catch-up), a send at once; an answer older than this could miss what a device published meanwhile.
     */
    static final Duration FRESH = Duration.ofSeconds(10);

    private static final Map<XMPPConnection, PepReadAhead> INSTANCES = new WeakHashMap<>();

    private final XMPPConnection connection;
    private final Map<String, ReadAhead> answers = new ConcurrentHashMap<>();

    private record ReadAhead(SmackFuture<IQ, Exception> answer, long sentNanos) {
    }

    private PepReadAhead(XMPPConnection connection) {
        this.connection = connection;
    }

    public static synchronized PepReadAhead of(XMPPConnection connection) {
        return INSTANCES.computeIfAbsent(connection, PepReadAhead::new);
    }

    /**
     * Sends {@code reads} (PEP get requests) now, without waiting for their answers. The caller closes the batch when
     * the work that needed them is done: an answer no read took by then is dropped, so that nothing later is
     * answered by it (a relay that starts hiding a node a few seconds later must be seen doing so).
     */
    public Batch readAhead(List<IQ> reads) {
        Map<String, ReadAhead> sent = new java.util.HashMap<>();
        if (connection.getUser() == null) {
            return new Batch(sent);
        }
        long now = System.nanoTime();
        answers.values().removeIf(ahead -> now - ahead.sentNanos() >= FRESH.toNanos());
        for (IQ read : reads) {
            if (read.getType() == IQ.Type.get && read.getTo() != null) {
                try {
                    ReadAhead ahead = new ReadAhead(connection.sendIqRequestAsync(read), System.nanoTime());
                    answers.put(key(read), ahead);
                    sent.put(key(read), ahead);
                } catch (RuntimeException e) {
                    // Not sent (the connection went): the check sends its own read and meets the cause there.
                }
            }
        }
        return new Batch(sent);
    }

    /** The answers of one {@link #readAhead}; {@link #close} drops those no read took. */
    public final class Batch implements AutoCloseable {
        private final Map<String, ReadAhead> sent;

        private Batch(Map<String, ReadAhead> sent) {
            this.sent = sent;
        }

        @Override
        public void close() {
            sent.forEach(answers::remove);
        }
    }

    /**
     * Sends {@code request} and returns the server's answer, as {@code createStanzaCollectorAndSend(request)
     * .nextResultOrThrow()} does; a read may be answered by its read-ahead.
     */
    public IQ send(IQ request) throws XMPPException.XMPPErrorException, SmackException.NoResponseException,
            SmackException.NotConnectedException, InterruptedException {
        if (request.getType() == IQ.Type.get) {
            // Each answer serves one read: a second read of the node (a merge before a publish, a read-back) must see
            // what the server holds then, including what other code or another device wrote meanwhile.
            ReadAhead ahead = answers.remove(key(request));
            if (ahead != null && System.nanoTime() - ahead.sentNanos() < FRESH.toNanos()) {
                try {
                    return ahead.answer().getOrThrow();
                } catch (XMPPException.XMPPErrorException | SmackException.NoResponseException
                        | SmackException.NotConnectedException e) {
                    throw e;
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    // an unexpected failure of the read-ahead: ask the server below
                }
            }
        } else {
            answers.clear(); // a node may have changed: later reads ask the server
        }
        return connection.createStanzaCollectorAndSend(request).nextResultOrThrow();
    }

    /** The request without its stanza id: who it goes to, and its child element as written. */
    private static String key(IQ request) {
        return request.getTo() + " " + request.getType() + " " + request.getChildElementXML();
    }
}
