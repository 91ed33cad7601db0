package im.sotto.cli;

import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * What {@code sotto chat} shows and does while its connection is down: one line when it drops, the status line says
 * OFFLINE (with the next try), what is typed meanwhile goes to the outbox (encrypted at rest), and once logged in
 * again the peer is told we are back and the outbox goes out, in order.
 */
final class ChatReconnection implements Reconnector.Listener {
    private final Online online;
    private final ChatScreen screen;
    private final ChatStatus status;
    private final ChatOutgoing outgoing;
    private final PeerRendezvous meeting;
    private final Executor actions;
    private final Runnable refresh;

    ChatReconnection(Online online, ChatScreen screen, ChatStatus status, ChatOutgoing outgoing,
            PeerRendezvous meeting, Executor actions, Runnable refresh) {
        this.online = online;
        this.screen = screen;
        this.status = status;
        this.outgoing = outgoing;
        this.meeting = meeting;
        this.actions = actions;
        this.refresh = refresh;
    }

    @Override
    public void lost(Exception why) {
        status.offline("");
        outgoing.offline(true);
        screen.alert("! the connection to the server was lost (" + Connector.rootMessage(why) + "); reconnecting. "
                + "What you type waits in the outbox, encrypted at rest.");
        actions.execute(refresh);
    }

    @Override
    public void retrying(Duration in, Exception why) {
        status.offline(", next try in " + in.toSeconds() + " s");
        actions.execute(refresh);
    }

    @Override
    public void back() {
        status.online();
        outgoing.offline(false);
        screen.print("  connected again as " + online.connection.getUser());
        meeting.announce();
        outgoing.flushOutbox();
        actions.execute(refresh);
    }
}
