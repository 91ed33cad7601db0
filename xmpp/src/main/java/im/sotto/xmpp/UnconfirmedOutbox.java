package im.sotto.xmpp;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import im.sotto.protocol.session.OutboundRecord;
import im.sotto.protocol.store.QueuedStanza;
import im.sotto.protocol.store.Stores;
import im.sotto.xmpp.SendFailure;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.StanzaListener;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.filter.StanzaFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.util.PacketParserUtils;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Encrypted stanzas kept until the server acknowledged them (XEP-0198 stream management), so that a crash between
 * the transaction that encrypted a message and its arrival at the server loses nothing: the next manager with the
 * same account sends them again after login, before anything new, unchanged (same ciphertext: a copy the peer
 * already has is a replay its ratchet drops as a duplicate, never delivered twice).
 *
 * <p>A copy is the outer stanza only (ciphertext, routing attributes, the fallback body), written in the store's
 * outbound queue in the transaction that encrypts ({@link #keep}) as an {@link OutboundRecord.Unacknowledged}, so
 * {@link SendQueue} leaves it alone. It is deleted when the server
 * acknowledges the stanza; on a connection without stream management nothing can confirm delivery, so it is
 * deleted as soon as Smack took the stanza (the loss window stays what it was without this class), and it is kept
 * only when the stanza cannot be sent now (not logged in, or the connection refuses it): then it goes out after the
 * next login.
 *
 * <p>Called on the manager's worker thread, except the acknowledgement listener, which deletes through the
 * thread-safe {@link AwaitingAcks}.
 *
 * <p>Why the store's outbound queue and not a store of its own: the copies are per peer, ordered, written and removed
 * in transactions, encrypted at rest, like the queue's other entries; the record's kind keeps them apart
 * ({@link SottoOutbox} lists only what still waits to be sent).
 */
final class UnconfirmedOutbox {
    /** How long {@link #close} waits for the server to acknowledge what was sent, so a clean stop leaves no copy. */
    static final Duration ACK_WAIT_ON_CLOSE = Duration.ofSeconds(2);

    private final SottoAccount account;
    private final XMPPConnection connection;
    private final Consumer<SecurityEvent> events;
    /** Kept copies to send at the next login (left by an earlier run, or refused by a closed connection), by id. */
    private final TreeMap<Long, Stanza> unsent = new TreeMap<>();
    private final AwaitingAcks awaiting;
    private final StanzaListener ackListener;
    private final StanzaFilter requestAck;
    private final ConnectionListener newStream;
    private boolean leftoversLoaded;

    UnconfirmedOutbox(SottoAccount account, XMPPConnection connection, Executor worker,
            Consumer<SecurityEvent> events) {
        this.account = account;
        this.connection = connection;
        this.events = events;
        this.awaiting = new AwaitingAcks(account);
        this.ackListener = stanza -> {
            if (stanza.getStanzaId() != null) {
                awaiting.acknowledged(stanza.getStanzaId());
            }
        };
        // Smack asks for an acknowledgement after the stanzas a predicate matches (by default after every message,
        // but only when the application added none): every encrypted stanza asks, so a copy is deleted promptly.
        this.requestAck = stanza -> stanza instanceof Message || stanza.hasExtension(SottoEncrypted.ELEMENT,
                SottoEncrypted.NAMESPACE);
        // A new stream that did not resume the old one: the old stream's acknowledgements will never come, and Smack
        // does not always send its unacknowledged stanzas again (not after the server closed the stream, say). Those
        // copies go out again after this login, ahead of the rest (registered before the manager's login listener,
        // so this runs first); a copy the peer already has is a duplicate there.
        this.newStream = new ConnectionListener() {
            @Override
            public void authenticated(XMPPConnection c, boolean resumed) {
                if (!resumed) {
                    worker.execute(() -> unsent.putAll(awaiting.takeAll()));
                }
            }
        };
        connection.addConnectionListener(newStream);
        if (connection instanceof XMPPTCPConnection tcp) {
            tcp.addStanzaAcknowledgedListener(ackListener);
            tcp.addRequestAckPredicate(requestAck);
        }
    }

    // ----- in the caller's store transaction -----

    /**
     * Keeps the encrypted {@code outer} stanza (in the transaction that encrypted it); returns its id. An outer stanza
     * without an id (the application set none) gets a random one here: acknowledgements are matched by id.
     */
    static long keep(Stores stores, BareJid peer, Stanza outer) {
        if (!outer.hasStanzaIdSet()) {
            outer.setStanzaId();
        }
        return stores.outboundQueue().enqueue(peer.toString(), OutboundRecord.encode(
                new OutboundRecord.Unacknowledged(outer.toXML().toString())));
    }

    /** The encrypted copy a queue entry keeps, if it is one (a damaged entry is not: {@link SendQueue} reports it). */
    static Optional<String> keptCopy(byte[] record) {
        try {
            return OutboundRecord.decode(record) instanceof OutboundRecord.Unacknowledged u ? Optional.of(u.outerXml())
                    : Optional.empty();
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
    }

    // ----- on the worker -----

    /**
     * Whether a stanza encrypted now must be kept: only a message or presence, and only where an acknowledgement can
     * confirm it (stream management is on) or it cannot go out now (not logged in: it waits for the next login).
     */
    boolean keepNow(Stanza inner) {
        return !(inner instanceof IQ) && (streamManagement() || !connection.isAuthenticated());
    }

    /**
     * Sends {@code outer} (a kept copy {@code keptId}, or 0) after whatever kept copies wait for a login. Returns true
     * if Smack took it, false if it was kept to be sent after the next login.
     *
     * @throws SmackException.NotConnectedException if an iq could not be sent (one that is not an iq is kept then)
     */
    boolean send(Stanza outer, long keptId) throws SmackException.NotConnectedException, InterruptedException {
        if (!unsent.isEmpty() && !sendUnsent() && keptId != 0) {
            unsent.put(keptId, outer);
            return false;
        }
        if (keptId == 0) {
            try {
                connection.sendStanza(outer);
                return true;
            } catch (SmackException.NotConnectedException e) {
                if (outer instanceof IQ) {
                    throw e; // an answer is for this stream's request; a later stream has no use for it
                }
                // Encrypted while the connection still looked logged in (a network cut not noticed yet, no stream
                // management): the ratchet has moved on, so dropping it would leave a gap the peer reports. Kept now
                // and sent after the next login, as a copy refused before the encryption would be.
                long id = account.store().transact(stores -> keep(stores, outer.getTo().asBareJid(), outer));
                unsent.put(id, outer);
                return false;
            }
        }
        if (!sendKept(keptId, outer)) {
            unsent.put(keptId, outer);
            return false;
        }
        return true;
    }

    /** After a login: copies an earlier run left (read once per manager) and those refused meanwhile go out. */
    void afterLogin() {
        if (!leftoversLoaded) {
            leftoversLoaded = true;
            loadLeftovers();
        }
        sendUnsent();
    }

    /** Sends the copies waiting for a login, oldest first; false if the connection refused one (it stays). */
    private boolean sendUnsent() {
        while (!unsent.isEmpty()) {
            Map.Entry<Long, Stanza> first = unsent.firstEntry();
            if (!sendKept(first.getKey(), first.getValue())) {
                return false;
            }
            unsent.remove(first.getKey());
        }
        return true;
    }

    /**
     * Sends a kept copy; false if the connection refused it. With stream management it is tracked before it goes
     * (the acknowledgement may come at once); without, nothing will confirm it, so it is deleted once Smack has it
     * (what happened before copies were kept).
     */
    private boolean sendKept(long keptId, Stanza outer) {
        boolean tracked = streamManagement();
        if (tracked) {
            awaiting.track(outer, keptId);
        }
        try {
            connection.sendStanza(outer);
        } catch (SmackException.NotConnectedException | InterruptedException e) {
            if (tracked) {
                awaiting.untrack(keptId);
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
        if (!tracked) {
            awaiting.delete(List.of(keptId));
        }
        return true;
    }

    private void loadLeftovers() {
        List<QueuedStanza> kept = account.store().transact(stores -> {
            List<QueuedStanza> found = new java.util.ArrayList<>();
            for (String peer : stores.outboundQueue().peers()) {
                stores.outboundQueue().pending(peer).stream().filter(q -> keptCopy(q.stanza()).isPresent())
                        .forEach(found::add);
            }
            return found;
        });
        for (QueuedStanza copy : kept) {
            if (unsent.containsKey(copy.id()) || awaiting.contains(copy.id())) {
                continue;   // kept by this manager: not a leftover
            }
            try {
                unsent.put(copy.id(), PacketParserUtils.parseStanza(keptCopy(copy.stanza()).orElseThrow()));
            } catch (Exception e) {
                awaiting.delete(List.of(copy.id()));
                events.accept(new SecurityEvent.SendFailed(JidCreate.bareFromOrThrowUnchecked(copy.peerAccount()),
                        "-", SendFailure.UNSUPPORTED_STANZA, "a kept encrypted stanza no longer parses: "
                        + e.getMessage()));
            }
        }
    }

    private boolean streamManagement() {
        return connection instanceof XMPPTCPConnection tcp && tcp.isSmEnabled();
    }

    /**
     * Stops listening. Asks the server for an acknowledgement first and waits up to {@link #ACK_WAIT_ON_CLOSE} for
     * it, so that a clean stop leaves no copy that the next run would send again (the peer would see a duplicate).
     * Called on the worker thread, just before it stops.
     */
    void close() {
        if (!awaiting.isEmpty() && streamManagement() && connection.isConnected()) {
            try {
                ((XMPPTCPConnection) connection).requestSmAcknowledgement();
                long deadline = System.nanoTime() + ACK_WAIT_ON_CLOSE.toNanos();
                while (!awaiting.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            } catch (Exception e) {
                // The copies stay and are sent again by the next run; the peer drops what it already has.
            }
        }
        connection.removeConnectionListener(newStream);
        if (connection instanceof XMPPTCPConnection tcp) {
            tcp.removeStanzaAcknowledgedListener(ackListener);
            tcp.removeRequestAckPredicate(requestAck);
        }
    }
}
