package im.sotto.cli;

import java.util.List;
import java.util.Optional;

import im.sotto.xmpp.SessionOrigin;
import im.sotto.xmpp.SessionSummary;
import im.sotto.xmpp.SottoManager;

import org.jxmpp.jid.EntityBareJid;

/**
 * The status line of {@code sotto chat}: whether an encrypted session exists and under which suite, the peer's
 * trust level, the SAS of an online handshake, what the continuity check found, how many messages wait, the
 * contact's presence (each available resource, or offline), and whether the server is reachable (online, or offline
 * while the chat reconnects).
 * Read from the binding each time (never from the worker thread: the manager's queries run on it).
 */
final class ChatStatus {
    private final SottoManager manager;
    private final EntityBareJid peer;
    private final Subscriptions presence;
    private volatile long lastDevice = -1;
    private volatile boolean keyChanged;
    private volatile boolean offline;
    private volatile String reconnecting = "";
    /** Messages that arrived unencrypted during this chat (from anyone): the status line keeps saying so. */
    private final java.util.concurrent.atomic.AtomicInteger unencrypted =
            new java.util.concurrent.atomic.AtomicInteger();

    ChatStatus(SottoManager manager, EntityBareJid peer, Subscriptions presence) {
        this.manager = manager;
        this.peer = peer;
        this.presence = presence;
    }

    /** The device of the newest session: its facts are the ones shown. */
    void sessionWith(long deviceId) {
        lastDevice = deviceId;
    }

    void keyChanged(boolean changed) {
        keyChanged = changed;
    }

    /** The server dropped the connection; {@code retry} says when the next attempt is ("" while unknown). */
    void offline(String retry) {
        offline = true;
        reconnecting = retry;
    }

    void unencryptedArrived() {
        unencrypted.incrementAndGet();
    }

    void online() {
        offline = false;
        reconnecting = "";
    }

    boolean isOffline() {
        return offline;
    }

    /** The session shown: the newest one made while chatting, else the first one held. */
    Optional<SessionSummary> current() {
        List<SessionSummary> sessions = manager.sessions(peer);
        return sessions.stream().filter(s -> s.deviceId() == lastDevice).findFirst()
                .or(() -> sessions.stream().findFirst());
    }

    String line(int queued) {
        StringBuilder line = new StringBuilder(peer.toString()).append(" | ");
        Optional<SessionSummary> session = current();
        if (session.isEmpty()) {
            line.append("no session yet (messages wait, never sent in plaintext)");
        } else {
            SessionSummary s = session.get();
            line.append("encrypted ").append(s.suite().name()).append(", ")
                    .append(s.origin() == SessionOrigin.ONLINE_HANDSHAKE ? "online" : "offline");
            if (s.awaitingFirstReply()) {
                line.append(" (awaiting first reply)");
            }
        }
        line.append(" | trust ").append(TrustNames.of(manager.contact(peer)));
        if (keyChanged) {
            line.append(" | KEY CHANGED");
        }
        session.flatMap(SessionSummary::sas).ifPresent(sas -> line.append(" | SAS ").append(sas));
        session.flatMap(SessionSummary::continuity).ifPresent(c -> line.append(" | continuity ").append(c.name()));
        if (queued > 0) {
            line.append(" | ").append(queued).append(" queued");
        }
        if (!offline) {
            line.append(" | contact ").append(presence.presenceOf(peer));
        }
        int plain = unencrypted.get();
        if (plain > 0) {
            line.append(" | ").append(plain).append(" UNENCRYPTED received");
        }
        line.append(offline ? " | server OFFLINE, reconnecting" + reconnecting : " | server online");
        return line.toString();
    }
}
