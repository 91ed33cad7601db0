package im.sotto.cli;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SendFailure;
import im.sotto.xmpp.SottoSendException;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jxmpp.jid.EntityBareJid;

/**
 * What the user types in {@code sotto chat}, on its way out: handed to the binding, which sends it encrypted over the
 * session or keeps it in the outbox (its queue in the store, encrypted at rest) until a session is made or the server
 * is back. Never sent in plaintext. Runs on the chat's own thread ({@code actions}), never on the binding's worker.
 */
final class ChatOutgoing {
    private final Online online;
    private final EntityBareJid peer;
    private final ChatScreen screen;
    private final Executor actions;
    private final Runnable statusChanged;
    private final Set<String> ours = ConcurrentHashMap.newKeySet();
    private final AtomicInteger waiting = new AtomicInteger();
    /** Typed while the server was unreachable: encrypted and kept, sent after the next login. */
    private final AtomicInteger keptOffline = new AtomicInteger();
    private volatile boolean offline;

    ChatOutgoing(Online online, EntityBareJid peer, ChatScreen screen, Executor actions, Runnable statusChanged) {
        this.online = online;
        this.peer = peer;
        this.screen = screen;
        this.actions = actions;
        this.statusChanged = statusChanged;
    }

    /** Messages waiting: for a session, for the server, or in the outbox. */
    int queued() {
        return waiting.get() + keptOffline.get() + online.outboxSize(peer);
    }

    /** Whether a send failure the binding reports is about a message typed here (reported here, once). */
    boolean isOurs(String stanzaId) {
        return ours.contains(stanzaId);
    }

    /** While the server is unreachable what is typed goes to the outbox (encrypted at rest), in order. */
    void offline(boolean unreachable) {
        offline = unreachable;
    }

    void type(String body) {
        Optional<String> problem = MessageText.problem(body);
        if (problem.isPresent()) {
            // Refused before the outbox: a message that can never go out would block every later one.
            screen.alert("! not sent and not queued: " + problem.get());
            return;
        }
        actions.execute(() -> send(body));
    }

    /** A session exists now, or the server is back: what the outbox keeps goes out, oldest first. */
    void flushOutbox() {
        actions.execute(() -> {
            if (offline) {
                return;
            }
            int before = queued();
            online.manager.retryQueued().whenComplete((ok, failure) -> actions.execute(() -> {
                // Kept while offline: the login that brought the server back sent them, before this retry ran.
                keptOffline.set(0);
                int went = before - queued();
                if (went > 0) {
                    screen.print("  " + went + " message" + (went == 1 ? "" : "s") + " from the outbox went out "
                            + "encrypted");
                }
                statusChanged.run();
            }));
        });
    }

    private void send(String body) {
        boolean typedOffline = offline;
        if (typedOffline) {
            screen.print("  offline: kept in the outbox (encrypted at rest); it goes out encrypted once the server "
                    + "is back, never in plaintext");
        }
        boolean hadSession = !online.manager.sessions(peer).isEmpty();
        if (!hadSession && !typedOffline) {
            screen.print("  queued: no encrypted session with " + peer + " yet; it goes out encrypted once one is "
                    + "made, never in plaintext");
        }
        String id = "sotto-chat-" + UUID.randomUUID();
        ours.add(id);
        // With a receipt request inside the envelope; the line goes to the conversation log and on the screen.
        Message message = online.conversations.sending(peer, StanzaBuilder.buildMessage(id).to(peer)
                .ofType(Message.Type.chat).setBody(body).build(), body);
        screen.print(ownLine(id, body));
        waiting.incrementAndGet();
        statusChanged.run();
        online.manager.send(message).whenComplete((ok, failure) -> actions.execute(() -> {
            if (failure == null) {
                waiting.decrementAndGet();
                if (!hadSession && !typedOffline) {
                    screen.print("  the queued message went out encrypted");
                }
            } else if (typedOffline && failure instanceof SottoSendException s && s.stillQueued()
                    && s.reason() == SendFailure.CONNECTION) {
                // Encrypted and kept for the next login: its line above says so.
                keptOffline.incrementAndGet();
                waiting.decrementAndGet();
            } else {
                waiting.decrementAndGet();
                if (!(failure instanceof SottoSendException s && s.stillQueued())) {
                    online.conversations.notSent(peer, id);
                }
                failed(failure);
            }
            statusChanged.run();
        }));
    }

    /** Our line as typed, with the time: the prompt line itself is erased once it is sent (ChatScreen). */
    private static String ownLine(String id, String body) {
        return new HistoryLine(HistoryLine.Direction.SENT, HistoryLine.Mark.NONE, java.time.Instant.now(), id, "me",
                body).shown(java.time.LocalDate.now(), java.time.ZoneId.systemDefault());
    }

    private void failed(Throwable failure) {
        if (failure instanceof SottoSendException s && s.stillQueued()) {
            screen.alert("! " + (s.held() ? "held for " : "not sent to ") + peer + ": " + s.reason() + ": "
                    + Online.explain(s) + "; kept in the outbox (encrypted at rest), it goes out " + (s.held()
                    ? "once you decide" : "once a session can be made") + ". Never sent in plaintext.");
            return;
        }
        String why = failure instanceof SottoSendException s ? s.reason() + ": " + Online.explain(s)
                : Connector.rootMessage(failure);
        screen.alert("! not sent and not queued to " + peer + ": " + why + ". Never sent in plaintext.");
    }
}
