package im.sotto.xmpp;

import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;

import im.sotto.xmpp.element.SottoEncrypted;
import im.sotto.xmpp.element.SottoEncryptedIq;

import org.jivesoftware.smack.Manager;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.iqrequest.AbstractIqRequestHandler;
import org.jivesoftware.smack.iqrequest.IQRequestHandler;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;

/**
 * The transport half of Sotto on one connection (Smack's manager-per-connection convention): registers the
 * providers, advertises Sotto's feature in service discovery, and routes incoming encrypted iq requests to a
 * handler. Until a handler is set, encrypted requests are answered with {@code service-unavailable}, as for any
 * iq nobody serves.
 */
public final class SottoTransportManager extends Manager {
    /** The disco feature that tells peers this client speaks Sotto. */
    public static final String FEATURE = SottoEncrypted.NAMESPACE;

    private static final Map<XMPPConnection, SottoTransportManager> INSTANCES = new WeakHashMap<>();

    /**
     * Takes an encrypted iq request. Called on the connection's ordered thread, in arrival order with the stanza
     * listeners Smack calls in order (its sync listeners): a request is never handled before a stanza that arrived
     * earlier, such as the handshake message that makes the session it is encrypted under. So it must return quickly:
     * the (encrypted) response to send, or null when it answers later itself.
     */
    @FunctionalInterface
    public interface EncryptedIqHandler {
        IQ handle(SottoEncryptedIq request);
    }

    private volatile EncryptedIqHandler iqHandler;

    public static synchronized SottoTransportManager getInstanceFor(XMPPConnection connection) {
        return INSTANCES.computeIfAbsent(connection, SottoTransportManager::new);
    }

    private SottoTransportManager(XMPPConnection connection) {
        super(connection);
        SottoProviders.register();
        ServiceDiscoveryManager.getInstanceFor(connection).addFeature(FEATURE);
        connection.registerIQRequestHandler(new RequestHandler(IQ.Type.get));
        connection.registerIQRequestHandler(new RequestHandler(IQ.Type.set));
    }

    public void setEncryptedIqHandler(EncryptedIqHandler handler) {
        this.iqHandler = Objects.requireNonNull(handler, "handler");
    }

    /** Removes the handler: encrypted iq requests get {@code service-unavailable} again. */
    public void clearEncryptedIqHandler() {
        this.iqHandler = null;
    }

    private final class RequestHandler extends AbstractIqRequestHandler {
        RequestHandler(IQ.Type type) {
            // Sync: Smack runs it on the executor that calls the sync stanza listeners, in arrival order.
            super(SottoEncrypted.ELEMENT, SottoEncrypted.NAMESPACE, type, IQRequestHandler.Mode.sync);
        }

        @Override
        public IQ handleIQRequest(IQ request) {
            EncryptedIqHandler handler = iqHandler;
            if (handler == null) {
                return IQ.createErrorResponse(request, StanzaError.Condition.service_unavailable);
            }
            return handler.handle((SottoEncryptedIq) request);
        }
    }
}
