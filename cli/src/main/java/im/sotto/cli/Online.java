package im.sotto.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import im.sotto.protocol.session.RevealPolicy;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SendFailure;
import im.sotto.xmpp.SottoListener;
import im.sotto.xmpp.SottoManager;
import im.sotto.xmpp.SottoOutbox;
import im.sotto.xmpp.SottoSendException;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;

/**
 * An account logged in with Sotto enabled (before login, so offline messages are decrypted) and its bundle
 * published. The outbox is the manager's queue in the store (encrypted at rest): a message that cannot go out
 * encrypted now stays there with its reason ({@link SottoManager#setKeepFailed}) and is tried again at every login
 * (send, listen, chat) and whenever a session is made; never sent in plaintext. {@code sotto outbox} lists and drops.
 */
final class Online implements AutoCloseable {
    static final long SEND_TIMEOUT_SECONDS = 60;

    final Accounts.Opened opened;
    final XMPPTCPConnection connection;
    final SottoManager manager;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SottoListener listener;
    /** The account's roster, presences and subscription requests (the user answers them). */
    Subscriptions subscriptions;
    /** The conversation log of this login: what is shown and sent, with receipts and loss reports. */
    ConversationTracker conversations;

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
        transport(common, opened.entry); // a wrong --server or --insecure-loopback fails before the password is asked
        char[] password = Secrets.password(common, opened.entry.jid().toString());
        try {
            return connect(common, opened, listener, progress, configure, password);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** Logs in as above with the XMPP {@code password} the command read already (the caller wipes it). */
    static Online connect(Common common, Accounts.Opened opened, SottoListener listener, PrintStream progress,
            java.util.function.Consumer<SottoManager> configure, char[] password) {
        Accounts.Entry entry = opened.entry;
        Connector.Transport transport = transport(common, entry);
        XMPPTCPConnection connection = Connector.connection(entry.jid(), password, "sotto-" + UUID.randomUUID()
                .toString().substring(0, 8), transport);
        Subscriptions subscriptions = Subscriptions.watch(connection, opened.store, entry.directory(), progress);
        RevealPolicy reveal = revealPolicy(common, entry);
        SottoManager manager = SottoManager.enable(connection, opened.account);
        manager.setHandshakeTimeout(Duration.ofSeconds(5));
        manager.setKeepFailed(true);
        manager.setRevealPolicy(reveal);
        if (listener != null) {
            manager.addListener(listener);
        } else {
            DeviceNotices.attach(manager, progress);
        }
        ConversationTracker conversations = ConversationTracker.attach(connection, manager, opened, progress);
        // OMEMO for contacts who have no Sotto (docs/protocol.md §10): published on login, used only for them.
        manager.omemo().enable();
        configure.accept(manager);
        progress.println("Connecting to " + transport.describe() + " as " + entry.jid() + " ...");
        Connector.connectAndLogin(connection, entry.jid(), transport);
        progress.println("Logged in as " + connection.getUser() + (connection.isSecureConnection() ? " over TLS"
                : " without TLS (test server on loopback)"));
        try {
            // Publishes only when the server's copy differs (the login's check usually found it current).
            manager.ensurePublished().get(30, TimeUnit.SECONDS);
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
        online.subscriptions = subscriptions;
        online.conversations = conversations;
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
        return StanzaBuilder.buildMessage("sotto-" + UUID.randomUUID()).to(to).ofType(Message.Type.chat)
                .setBody(body).build();
    }

    /**
     * Sends a chat message encrypted, waiting until it went out. On failure a one-line reason is thrown: the message
     * stays in the outbox when it may still go out later, and was never sent in plaintext.
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
                throw new CliException(ExitCode.NOT_SENT, "not sent to " + to + ": " + explain(e) + "; kept in the "
                        + "outbox (encrypted at rest), it goes out encrypted with the next sotto command that logs in "
                        + "(send, listen, chat) once a session can be made; sotto outbox lists it. Nothing was sent "
                        + "in plaintext.", e);
            }
            throw new CliException(ExitCode.NOT_SENT, "not sent and not queued to " + to + ": " + explain(e)
                    + ". Nothing was sent in plaintext.", e);
        }
    }

    void send(Jid to, String body) throws SottoSendException {
        Message message = conversations.sending(to.asBareJid(), chat(to, body), body);
        try {
            manager.send(message).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SottoSendException s) {
                if (!s.stillQueued()) {
                    conversations.notSent(to.asBareJid(), message.getStanzaId());
                }
                throw s;
            }
            throw new CliException(ExitCode.CONNECTION, "sending failed: " + Connector.rootMessage(e.getCause()), e);
        } catch (TimeoutException e) {
            // Still waiting in the manager's (durable) queue: it is sent after a later login.
            throw new SottoSendException(SendFailure.NEGOTIATION_FAILED,
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

    /**
     * For a command that stays logged in without a conversation ({@code listen}): a new session, which a message kept
     * in the outbox may have waited for, tries the outbox again. ({@code chat} does it for its peer itself.)
     */
    void retryOutboxOnNewSessions() {
        manager.addListener(new SottoListener() {
            @Override
            public void onStanza(im.sotto.xmpp.DecryptedStanza stanza) {
            }

            @Override
            public void onEvent(SecurityEvent event) {
                if (event instanceof SecurityEvent.SessionEstablished || event instanceof SecurityEvent.SessionHealed) {
                    manager.retryQueued();
                }
            }
        });
    }

    /** Messages the outbox keeps waiting for {@code peer} (encrypted copies awaiting the server's ack were sent). */
    int outboxSize(BareJid peer) {
        return SottoOutbox.list(opened.account, Optional.of(peer)).size();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return; // closed already, by the command or by a stop signal (StopSignals)
        }
        // The last receipts go out first, with the listener still attached: what encrypting them reports (a device
        // now stale, said only once) must reach the user, or it would be marked said and never shown.
        if (conversations != null) {
            conversations.finishReceipts();   // a receipt kept now would go out from the next run's resource
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
