package im.sotto.xmpp;

import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import im.sotto.xmpp.element.SottoEncryptedIq;
import im.sotto.xmpp.envelope.EnvelopeException;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaError;

/**
 * Encrypted iq requests, in arrival order. Smack hands a request to {@link #accept} on the connection's ordered
 * thread, the one that also calls the manager's stanza listeners ({@link SottoTransportManager} registers its handler
 * in Smack's {@code sync} mode): the request is queued on the worker right behind the stanzas that arrived before it.
 * A request used to be decrypted from one of Smack's pooled threads instead, and could overtake the handshake message
 * it depends on (the initiator sends XX message 3, then its first request): the responder found no session, healed,
 * and the healing handshake replaced the one whose last message was still on the way, a session completed on one side
 * only (IqAnswerIT). The application's handler, which may block, and the encryption of its answer run on a thread of
 * their own, never on the ordered thread, which would stall every stanza behind it.
 */
final class IqRequests {
    /**
     * Requests answered at once; more wait in the queue. A handler that blocks (a user prompt) holds a thread, and a
     * few such never stall the answers behind them for long; the threads end when idle.
     */
    private static final int ANSWERING_THREADS = 4;
    /** How long one step on the worker may take before the request is answered with an error. */
    private static final long WORKER_TIMEOUT_SECONDS = 30;

    /** The manager's side: decryption and encryption on its worker, and the application's handler. */
    interface Driver {
        /** On the worker: the request decrypted (reported as an event and empty if it cannot be). */
        Optional<DecryptedStanza> receive(Stanza request);

        /** On the worker: the answer encrypted for the requester's session, empty if none can carry it. */
        Optional<Stanza> encrypt(IQ response) throws EnvelopeException;
    }

    private final XMPPConnection connection;
    private final ExecutorService worker;
    private final Driver driver;
    private final Supplier<SottoIqRequestHandler> handler;
    private final ThreadPoolExecutor answering;

    IqRequests(XMPPConnection connection, ExecutorService worker, Driver driver,
            Supplier<SottoIqRequestHandler> handler, String threadName) {
        this.connection = connection;
        this.worker = worker;
        this.driver = driver;
        this.handler = handler;
        this.answering = new ThreadPoolExecutor(ANSWERING_THREADS, ANSWERING_THREADS, 10, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, threadName);
                    thread.setDaemon(true);
                    return thread;
                });
        answering.allowCoreThreadTimeOut(true);
    }

    /**
     * Smack's ordered thread: queues the request's decryption on the worker (in arrival order) and returns at once;
     * the answer is sent later by {@link #answer}. Null tells Smack that no response comes from here.
     */
    IQ accept(SottoEncryptedIq request) {
        Future<Optional<DecryptedStanza>> decrypted;
        try {
            decrypted = worker.submit(() -> driver.receive(request));
            answering.execute(() -> answer(request, decrypted));
        } catch (RejectedExecutionException stopped) {
            return IQ.createErrorResponse(request, StanzaError.Condition.service_unavailable);
        }
        return null;
    }

    private void answer(SottoEncryptedIq request, Future<Optional<DecryptedStanza>> decrypted) {
        send(respond(request, decrypted));
    }

    private IQ respond(SottoEncryptedIq request, Future<Optional<DecryptedStanza>> decrypted) {
        Optional<DecryptedStanza> opened = await(decrypted);
        if (opened.isEmpty()) {
            // Reported as an event already; the plain error tells the server and the sender nothing new.
            return IQ.createErrorResponse(request, StanzaError.Condition.not_acceptable);
        }
        IQ inner = (IQ) opened.get().stanza();
        SottoIqRequestHandler current = handler.get();
        IQ response = current == null ? null : current.handle(opened.get());
        if (response == null) {
            response = IQ.createErrorResponse(inner, StanzaError.Condition.service_unavailable);
        }
        response.setTo(request.getFrom());
        response.setStanzaId(request.getStanzaId());
        IQ finalResponse = response;
        Optional<Stanza> outer;
        try {
            outer = await(worker.submit(() -> driver.encrypt(finalResponse)));
        } catch (RejectedExecutionException stopped) {
            outer = Optional.empty();
        }
        return outer.map(o -> (IQ) o)
                .orElseGet(() -> IQ.createErrorResponse(request, StanzaError.Condition.internal_server_error));
    }

    private static <T> Optional<T> await(Future<Optional<T>> work) {
        try {
            return work.get(WORKER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        }
    }

    private void send(IQ response) {
        try {
            connection.sendStanza(response);
        } catch (SmackException.NotConnectedException | InterruptedException e) {
            // The requester's own timeout tells it; nothing is kept for a connection that is gone.
        }
    }

    /** The manager is disabled: answers under way finish, nothing new starts. */
    void close() {
        answering.shutdown();
    }
}
