package im.sotto.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import im.sotto.protocol.store.QueuedStanza;
import im.sotto.xmpp.RevealPolicy;
import im.sotto.xmpp.SottoListener;
import im.sotto.xmpp.SottoManager;
import im.sotto.xmpp.SottoSendException;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;

/**
 * An account logged in with Sotto enabled (before login, so offline messages are decrypted) and its bundle
 * published. Also keeps the account's outbox: messages that could not be sent encrypted wait in the store's
 * outbound queue (encrypted at rest) until a later command can send them encrypted; never in plaintext.
 */
final class Online implements AutoCloseable {
    static final long SEND_TIMEOUT_SECONDS = 60;
    private static final byte[] OUTBOX_MESSAGE = "sotto-cli message v1\n".getBytes(StandardCharsets.US_ASCII);

    final Accounts.Opened opened;
    final XMPPTCPConnection connection;
    final SottoManager manager;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SottoListener listener;

    private Online(Accounts.Opened opened, XMPPTCPConnection connection, SottoManager manager) {
        this.opened = opened;
        this.connection = connection;
        this.manager = manager;
    }

    static Connector.Transport transport(Common common, Accounts.Entry entry) {
        String server = common.server != null ? common.server : entry.settings().getProperty("server");
        Path cert = common.serverCert != null ? common.serverCert
                : Optional.ofNullable(entry.settings().getProperty("server-cert")).map(Path::of).orElse(null);
        boolean loopback = common.insecureLoopback
                || Boolean.parseBoolean(entry.settings().getProperty("insecure-loopback", "false"));
        return new Connector.Transport(Optional.ofNullable(server).map(ServerAddress::parse), Optional.ofNullable(cert),
                loopback);
    }

    /** Logs in with {@code listener} attached; progress lines go to {@code progress}. */
    static Online connect(Common common, Accounts.Opened opened, SottoListener listener, PrintStream progress) {
        return connect(common, opened, listener, progress, manager -> { });
    }

    /** Logs in as above; {@code configure} sets up the manager first (a contact password, say). */
    static Online connect(Common common, Accounts.Opened opened, SottoListener listener, PrintStream progress,
            java.util.function.Consumer<SottoManager> configure) {
        Accounts.Entry entry = opened.entry;
        Connector.Transport transport = transport(common, entry);
        char[] password = Secrets.password(common, entry.jid().toString());
        XMPPTCPConnection connection;
        try {
            connection = Connector.connection(entry.jid(), password, "sotto-" + UUID.randomUUID().toString()
                    .substring(0, 8), transport);
        } finally {
            Arrays.fill(password, '\0');
        }
        RevealPolicy reveal = revealPolicy(common, entry);
        SottoManager manager = SottoManager.enable(connection, opened.account);
        manager.setHandshakeTimeout(Duration.ofSeconds(5));
        manager.setRevealPolicy(reveal);
        if (listener != null) {
            manager.addListener(listener);
        }
        configure.accept(manager);
        progress.println("Connecting to " + transport.describe() + " as " + entry.jid() + " ...");
        Connector.connectAndLogin(connection, entry.jid(), transport);
        progress.println("Logged in as " + connection.getUser() + (connection.isSecureConnection() ? " over TLS"
                : " without TLS (test server on loopback)"));
        progress.println("Publishing this device's bundle ...");
        try {
            manager.republish().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            connection.disconnect();
            throw new CliException(ExitCode.CONNECTION, "cannot publish this device's bundle on the server: "
                    + Connector.rootMessage(e.getCause()) + "; the server needs PEP (XEP-0163)", e);
        } catch (TimeoutException e) {
            connection.disconnect();
            throw new CliException(ExitCode.CONNECTION, "the server did not confirm the bundle within 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILED, "interrupted", e);
        }
        Online online = new Online(opened, connection, manager);
        online.listener = listener;
        return online;
    }

    /** The reveal policy: {@code --reveal}, else the account's {@code reveal} setting, else contacts only. */
    static RevealPolicy revealPolicy(Common common, Accounts.Entry entry) {
        String value = common.reveal != null ? common.reveal : entry.settings().getProperty("reveal", "contacts");
        for (RevealPolicy policy : RevealPolicy.values()) {
            if (policy.name().toLowerCase(java.util.Locale.ROOT).equals(value)) {
                return policy;
            }
        }
        throw new CliException(ExitCode.USAGE, "unknown reveal policy '" + value + "' (--reveal or reveal= in "
                + Accounts.SETTINGS + "): use contacts, authenticated or anyone");
    }

    /**
     * Adds {@code contact} to the account's roster (an item without subscription; nothing is sent to the contact), so
     * that this device reveals itself when the contact opens a handshake ({@link RevealPolicy#CONTACTS}). A server
     * that refuses leaves the contact a stranger: its handshakes then fall back to first messages.
     */
    void addContact(BareJid contact) {
        org.jivesoftware.smack.roster.Roster roster = org.jivesoftware.smack.roster.Roster.getInstanceFor(connection);
        try {
            if (!roster.isLoaded()) {
                roster.reloadAndWait();
            }
            if (roster.getEntry(contact) == null) {
                roster.createItem(contact, null, null);
            }
        } catch (org.jivesoftware.smack.SmackException | org.jivesoftware.smack.XMPPException e) {
            System.err.println("Could not add " + contact + " to the roster (" + Connector.rootMessage(e)
                    + "); it stays a stranger to this device");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Message chat(Jid to, String body) {
        return StanzaBuilder.buildMessage().to(to).ofType(Message.Type.chat).setBody(body).build();
    }

    /**
     * Sends a chat message encrypted, waiting until it went out. On failure it is queued in the outbox and a
     * one-line reason is thrown; it was not sent, and never in plaintext.
     */
    void sendOrQueue(Jid to, String body) {
        try {
            send(to, body);
        } catch (SottoSendException e) {
            if (e.held()) {
                // The manager keeps it in its own queue (encrypted at rest) and sends it after the user's decision.
                throw new CliException(ExitCode.NOT_SENT, "held for " + to + ": " + explain(e) + "; it stays "
                        + "queued (encrypted at rest) and goes out with the next command that logs in once you "
                        + "decide. Nothing was sent in plaintext.", e);
            }
            if (e.stillQueued()) {
                // The manager keeps it in the store's queue and sends it after a later login: queueing it in the
                // outbox too would send it twice.
                throw new CliException(ExitCode.NOT_SENT, "not sent to " + to + " yet: " + explain(e) + "; kept "
                        + "queued (encrypted at rest), it goes out encrypted once a later sotto command connects and "
                        + "a session can be made. Nothing was sent in plaintext.", e);
            }
            enqueue(to.asBareJid(), body);
            throw new CliException(ExitCode.NOT_SENT, "not sent to " + to + ": " + explain(e) + "; kept in the "
                    + "outbox (encrypted at rest), it goes out encrypted with the next sotto send to " + to.asBareJid()
                    + " once a session can be made. Nothing was sent in plaintext.", e);
        }
    }

    void send(Jid to, String body) throws SottoSendException {
        try {
            manager.send(chat(to, body)).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SottoSendException s) {
                throw s;
            }
            throw new CliException(ExitCode.CONNECTION, "sending failed: " + Connector.rootMessage(e.getCause()), e);
        } catch (TimeoutException e) {
            // Still waiting in the manager's (durable) queue: it is sent after a later login.
            throw new SottoSendException(im.sotto.xmpp.SecurityEvent.SendFailure.NEGOTIATION_FAILED,
                    "no session within " + SEND_TIMEOUT_SECONDS + " s", true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILED, "interrupted", e);
        }
    }

    static String explain(SottoSendException e) {
        switch (e.reason()) {
            case PEER_HAS_NO_SOTTO:
                return "the peer has no Sotto device (no published bundle)";
            case NEGOTIATION_FAILED:
                return "no encrypted session could be negotiated";
            case KEY_CHANGED:
                return "the peer's account key changed; compare and accept it with sotto trust --accept-new-key";
            case DISTRUSTED:
                return "you distrusted this contact; verify it again (sotto verify, or sotto trust) to send";
            case DEVICE_NOT_APPROVED:
                return "a device of this verified contact awaits your approval (sotto devices, then sotto trust "
                        + "JID --device ID)";
            case PASSWORD_MISMATCH:
                return "the password agreed with this contact did not match (one online guess spent, no session)";
            default:
                return e.getMessage();
        }
    }

    void enqueue(BareJid peer, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        byte[] record = Arrays.copyOf(OUTBOX_MESSAGE, OUTBOX_MESSAGE.length + bytes.length);
        System.arraycopy(bytes, 0, record, OUTBOX_MESSAGE.length, bytes.length);
        opened.store.transact(s -> s.outboundQueue().enqueue(peer.toString(), record));
    }

    /** Sends what waits in the outbox for {@code peer}, oldest first; returns how many went out. */
    int flushOutbox(BareJid peer, PrintStream progress) {
        List<QueuedStanza> waiting = opened.store.transact(s -> s.outboundQueue().pending(peer.toString()));
        int sent = 0;
        for (QueuedStanza queued : waiting) {
            byte[] record = queued.stanza();
            if (record.length < OUTBOX_MESSAGE.length
                    || !Arrays.equals(Arrays.copyOf(record, OUTBOX_MESSAGE.length), OUTBOX_MESSAGE)) {
                continue;
            }
            String body = new String(record, OUTBOX_MESSAGE.length, record.length - OUTBOX_MESSAGE.length,
                    StandardCharsets.UTF_8);
            try {
                send(peer, body);
            } catch (SottoSendException e) {
                return sent;
            }
            opened.store.transact(s -> s.outboundQueue().remove(queued.id()));
            sent++;
        }
        if (sent > 0) {
            progress.println("Sent " + sent + " queued message" + (sent == 1 ? "" : "s") + " to " + peer
                    + " from the outbox.");
        }
        return sent;
    }

    /**
     * Messages waiting for {@code peer}: in this outbox or in the binding's queue for a session. The binding's
     * encrypted copies awaiting the server's acknowledgement share the store's queue but have been sent: not counted.
     */
    int outboxSize(BareJid peer) {
        return (int) opened.store.transact(s -> s.outboundQueue().pending(peer.toString())).stream()
                .filter(q -> !SottoManager.isUnacknowledgedCopy(q.stanza())).count();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return; // closed already, by the command or by a stop signal (StopSignals)
        }
        // Whatever fails because we hang up (a republish in flight) is not news for the user.
        if (listener != null) {
            manager.removeListener(listener);
        }
        // Waits briefly for the server to acknowledge what was sent, so the next run has nothing to send again.
        manager.disable();
        connection.disconnect();
    }
}
