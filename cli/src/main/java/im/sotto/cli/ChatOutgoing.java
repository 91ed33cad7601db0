package im.sotto.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import im.sotto.xmpp.SottoSendException;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jxmpp.jid.EntityBareJid;

/**
 * What the user types in {@code sotto chat}, on its way out: sent encrypted over the session, or, while there is none,
 * handed to the binding, which keeps it (encrypted at rest) until a session is made; a message that cannot go out
 * encrypted at all moves to the outbox, like {@code sotto send}. Never sent in plaintext. Runs on the chat's own
 * thread ({@code actions}), never on the binding's worker.
 */
final class ChatOutgoing {
    private static final PrintStream SILENT = new PrintStream(OutputStream.nullOutputStream());

    private final Online online;
    private final EntityBareJid peer;
    private final ChatScreen screen;
    private final Executor actions;
    private final Runnable statusChanged;
    private final Set<String> ours = ConcurrentHashMap.newKeySet();
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile boolean offline;

    ChatOutgoing(Online online, EntityBareJid peer, ChatScreen screen, Executor actions, Runnable statusChanged) {
        this.online = online;
        this.peer = peer;
        this.screen = screen;
        this.actions = actions;
        this.statusChanged = statusChanged;
    }

    /** Messages waiting: in the binding for a session, or in the outbox. */
    int queued() {
        return waiting.get() + online.outboxSize(peer);
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

    /** A session exists now: what waits in the outbox goes out, oldest first. */
    void flushOutbox() {
        actions.execute(() -> {
            if (offline) {
                return;
            }
            int sent;
            try {
                sent = online.flushOutbox(peer, SILENT);
            } catch (CliException e) {
                // The connection dropped again: what is left stays in the outbox for the next reconnection.
                screen.alert("! the outbox could not be sent yet: " + e.getMessage());
                return;
            }
            if (sent > 0) {
                screen.print("  " + sent + " message" + (sent == 1 ? "" : "s") + " from the outbox went out "
                        + "encrypted");
                statusChanged.run();
            }
        });
    }

    private void send(String body) {
        if (offline) {
            online.enqueue(peer, body);
            screen.print("  offline: kept in the outbox (encrypted at rest); it goes out encrypted once the server "
                    + "is back, never in plaintext");
            statusChanged.run();
            return;
        }
        int older = online.outboxSize(peer);
        if (older > 0) {
            // Older messages still cannot go out: keep the order, queue this one behind them.
            online.enqueue(peer, body);
            screen.print("  queued in the outbox behind " + older + " older message" + (older == 1 ? "" : "s")
                    + " (encrypted at rest); never sent in plaintext");
            statusChanged.run();
            return;
        }
        boolean hadSession = !online.manager.sessions(peer).isEmpty();
        if (!hadSession) {
            screen.print("  queued: no encrypted session with " + peer + " yet; it goes out encrypted once one is "
                    + "made, never in plaintext");
        }
        String id = "sotto-chat-" + UUID.randomUUID();
        ours.add(id);
        Message message = StanzaBuilder.buildMessage(id).to(peer).ofType(Message.Type.chat).setBody(body).build();
        waiting.incrementAndGet();
        statusChanged.run();
        online.manager.send(message).whenComplete((ok, failure) -> actions.execute(() -> {
            waiting.decrementAndGet();
            if (failure == null) {
                if (!hadSession) {
                    screen.print("  the queued message went out encrypted");
                }
            } else {
                failed(body, failure);
            }
            statusChanged.run();
        }));
    }

    private void failed(String body, Throwable failure) {
        if (failure instanceof SottoSendException s && s.stillQueued()) {
            // The binding keeps it in its own queue (encrypted at rest): the outbox too would send it twice.
            screen.alert("! " + (s.held() ? "held for " : "not sent yet to ") + peer + ": " + s.reason() + ": "
                    + Online.explain(s) + "; it stays queued (encrypted at rest) and goes out " + (s.held()
                    ? "once you decide" : "once a session can be made") + ". Never sent in plaintext.");
            return;
        }
        online.enqueue(peer, body);
        String why = failure instanceof SottoSendException s ? s.reason() + ": " + Online.explain(s)
                : Connector.rootMessage(failure);
        screen.alert("! not sent to " + peer + ": " + why + "; kept in the outbox (encrypted at rest), it goes out "
                + "once a session can be made. Never sent in plaintext.");
    }
}
