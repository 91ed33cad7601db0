package im.sotto.xmpp;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

import im.sotto.xmpp.SendFailure;
import im.sotto.xmpp.SendQueue.Pending;
import im.sotto.xmpp.envelope.EnvelopeException;

import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.packet.Stanza;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.EntityFullJid;

/**
 * Sessions started offline (docs/protocol.md 7.3, item 2): the peer's bundles are fetched off the worker
 * ({@link BundleFetcher}), then the first queued stanza goes out as first messages to every device, and the rest in
 * the sessions they made. Called on the manager's worker thread; the fetch alone runs elsewhere.
 */
final class OfflineStart {
    /** Sends an encrypted outer stanza for a queued one (the driver's, which also tracks iq answers). */
    interface Transmitter {
        void transmit(Stanza outer, long keptId, Collection<Long> devices, Pending pending);
    }

    private final SottoAccount account;
    private final XMPPConnection connection;
    private final SessionCrypto crypto;
    private final SendQueue queue;
    private final UnconfirmedOutbox outbox;
    private final ScheduledExecutorService worker;
    private final Consumer<SecurityEvent> events;
    private final BundleFetcher fetcher;
    private final Transmitter transmitter;
    private final Consumer<BareJid> flusher;
    /** Peers whose bundles are being fetched: no second session setup starts meanwhile. */
    private final Set<BareJid> fetching = new HashSet<>();

    OfflineStart(SottoAccount account, XMPPConnection connection, SessionCrypto crypto, SendQueue queue,
            UnconfirmedOutbox outbox, ScheduledExecutorService worker, Consumer<SecurityEvent> events,
            BundleFetcher fetcher, Transmitter transmitter, Consumer<BareJid> flusher) {
        this.account = account;
        this.connection = connection;
        this.crypto = crypto;
        this.queue = queue;
        this.outbox = outbox;
        this.worker = worker;
        this.events = events;
        this.fetcher = fetcher;
        this.transmitter = transmitter;
        this.flusher = flusher;
    }

    /** Whether {@code peer}'s bundles are being fetched now. */
    boolean fetching(BareJid peer) {
        return fetching.contains(peer);
    }

    void close() {
        fetcher.close();
    }

    private EntityFullJid self() {
        return connection.getUser();
    }

    /**
     * Fetches the peer's bundles off the worker ({@link BundleFetcher}); the first messages are made when they
     * arrive. Meanwhile the worker serves every other conversation, and nothing else starts a session with this peer.
     */
    void start(BareJid peer, boolean known) {
        long ownDevice = peer.equals(self().asBareJid()) ? account.device().deviceId() : -1;
        fetching.add(peer);
        fetcher.fetch(peer, ownDevice).thenAccept(outcome -> {
            try {
                worker.execute(() -> {
                    fetching.remove(peer);
                    fetched(peer, known, outcome);
                });
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                // The manager was disabled meanwhile: the stanzas stay in the store for the next run.
            }
        });
    }

    private void fetched(BareJid peer, boolean known, BundleFetcher.Outcome outcome) {
        if (outcome instanceof BundleFetcher.NoAnswer noAnswer) {
            // Silence is no evidence that the peer lacks Sotto: keep the stanzas for the next attempt.
            queue.deferAll(peer, SendFailure.CONNECTION, noAnswer.why() + "; kept queued");
            return;
        }
        Map<Long, byte[]> bundles = outcome instanceof BundleFetcher.Bundles found ? found.byDevice() : Map.of();
        String why = outcome instanceof BundleFetcher.Unusable unusable ? unusable.why()
                : bundles.isEmpty() ? peer + " lists no Sotto device" : null;
        if (why != null) {
            if (known) {
                // Never a downgrade: what it sent before says it speaks Sotto, so keep the stanzas for later.
                events.accept(new SecurityEvent.CapabilityMissing(peer, why + " (it used Sotto before)"));
                queue.deferAll(peer, SendFailure.PEER_HAS_NO_SOTTO, why + "; kept queued");
            } else {
                queue.failAll(peer, SendFailure.PEER_HAS_NO_SOTTO, why);
            }
            return;
        }
        Pending first = queue.poll(peer).orElse(null);
        if (first == null) {
            return;
        }
        try {
            SessionCrypto.FirstMessages sent = crypto.encryptFirstMessages(first.stanza(), self(), bundles,
                    first.durableId(), outbox.keepNow(first.stanza()));
            if (sent.outer() == null && sent.unapproved() > 0) {
                queue.putBack(peer, first);
                queue.holdAll(peer, SendFailure.DEVICE_NOT_APPROVED, "no device of " + peer + " that you approved "
                        + "publishes a bundle; new devices of a verified contact get nothing until approved");
                return;
            }
            if (sent.outer() == null) {
                queue.putBack(peer, first);
                if (sent.substituted() > 0) {
                    // Never encrypt to keys the known account did not sign; the real bundle may be served later.
                    queue.deferAll(peer, SendFailure.KEY_SUBSTITUTED, "no bundle of " + peer + " is usable: "
                            + sent.skipped() + "; kept queued");
                } else {
                    queue.failAll(peer, SendFailure.PEER_HAS_NO_SOTTO, "no bundle of " + peer + " is usable: "
                            + sent.skipped());
                }
                return;
            }
            for (long device : sent.devices()) {
                events.accept(new SecurityEvent.SessionEstablished(peer, device, SessionOrigin.OFFLINE_FIRST_MESSAGE,
                        Optional.empty()));
            }
            transmitter.transmit(sent.outer(), sent.keptId(), sent.devices(), first);
        } catch (EnvelopeException e) {
            queue.fail(peer, first, SendFailure.UNSUPPORTED_STANZA, e.getMessage());
        }
        flusher.accept(peer);
    }
}
