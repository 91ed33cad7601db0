package im.sotto.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import im.sotto.xmpp.SessionSummary;

import org.jxmpp.jid.EntityBareJid;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code sotto chat JID}: an interactive, end-to-end encrypted conversation. */
@Command(name = "chat", mixinStandardHelpOptions = true, description = {"An interactive conversation with JID, "
        + "end-to-end encrypted. The bottom line shows the session (suite, online or offline handshake), the "
        + "contact's trust level, the SAS, what the continuity check found and whether the server is online; "
        + "messages and security events appear above what you type.",
        "When the connection drops, chat reconnects by itself (after 1 s, then twice as long each time, at most "
        + "30 s); what you type meanwhile waits in the outbox, encrypted at rest, and goes out once it is back.",
        "Messages typed before a session exists wait, encrypted at rest, and go out encrypted once it is made: never "
        + "in plaintext. Commands: /verify (compare the SAS and record the answer), /status, /open JID (continue "
        + "with another contact), /contacts, /outbox and /devices (of this contact), /help, /quit (or Ctrl-D). A line starting with // sends the text after "
        + "the first /.",
        "When it opens it shows the last lines with JID from the encrypted conversation log; each sent line gets a "
        + "delivered mark from an end-to-end encrypted receipt, or a not-delivered mark from the loss detection."})
public final class ChatCommand implements Callable<Integer> {
    static final List<String> HELP = List.of(
            "  /verify  compare the SAS (or the fingerprint) with the contact and record the answer",
            "  /status  print the status line",
            "  /open JID  continue with another contact (its history first); messages from others are announced",
            "  /contacts  the contacts, their presence now and their unread messages",
            "  /outbox  what waits to go to this contact (as sotto outbox JID)",
            "  /devices  this contact's devices and trust (as sotto devices JID)",
            "  /help    this list",
            "  /quit    leave (Ctrl-D too)",
            "  anything else goes to the contact, end-to-end encrypted (//text sends /text)");

    @Mixin
    Common common;

    @Mixin
    Strangers strangers;

    @Mixin
    ContactPassword contactPassword;

    @Parameters(paramLabel = "JID", description = "The contact, user@domain.")
    String jid;

    @Override
    public Integer call() throws Exception {
        EntityBareJid peer = Jids.account(jid);
        Accounts.Entry entry = Accounts.choose(common);
        ExecutorService actions = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "sotto-chat");
            thread.setDaemon(true);
            return thread;
        });
        try (Accounts.Opened opened = Accounts.open(common, entry);
             ChatScreen screen = ChatScreen.open()) {
            ChatHistory.show(new Conversations(opened.store), peer, screen);
            ChatEvents first = new ChatEvents(peer, screen, actions, strangers.hides(entry));
            ChatListenerSwitch listener = new ChatListenerSwitch(first);
            try (Online online = Online.connect(common, opened, listener, System.err,
                    m -> contactPassword.applyTo(m, peer, System.err));
                 StopSignals stop = StopSignals.closeOnStop(online, opened, screen)) {
                // Other commands of the account (send, contacts, ...) are handed to this chat, as to a listen.
                Optional<HandOffServer> handOff = HandOffServer.start(online, entry.directory(), alerts(screen),
                        "chat");
                try {
                    online.subscriptions.onEvent(event -> screen.alert(EventLines.text(
                            EventPrinter.describe(event))));
                    online.conversations.onMark((contact, line) -> ChatHistory.marked(contact, line, screen));
                    Runnable[] refresh = {() -> { }};
                    online.subscriptions.onPresenceChange(() -> actions.execute(refresh[0]));
                    ChatEvents events = first;
                    EntityBareJid current = peer;
                    while (true) {
                        Optional<EntityBareJid> next = chatWith(new Session(online, current, screen, events, actions,
                                refresh));
                        if (next.isEmpty()) {
                            return ExitCode.OK;
                        }
                        current = next.get();
                        events = new ChatEvents(current, screen, actions, strangers.hides(entry));
                        listener.switchTo(events);
                        ChatHistory.show(online.conversations.conversations(), current, screen);
                    }
                } finally {
                    handOff.ifPresent(HandOffServer::close);
                }
            }
        } finally {
            actions.shutdownNow();
            actions.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Lines the hand-off says (it could not open its socket) as alerts in the chat's screen. */
    private static PrintStream alerts(ChatScreen screen) {
        return new PrintStream(new java.io.ByteArrayOutputStream() {
            @Override
            public void flush() {
                String text = toString(StandardCharsets.UTF_8).strip();
                reset();
                if (!text.isEmpty()) {
                    screen.alert(text);
                }
            }
        }, true, StandardCharsets.UTF_8);
    }

    /** What one conversation of the chat is made of; {@code refresh} redraws the status line of the one shown. */
    private record Session(Online online, EntityBareJid peer, ChatScreen screen, ChatEvents events,
            ExecutorService actions, Runnable[] refresh) {
    }

    /** The conversation with one contact until /quit (empty) or /open (the next contact). */
    private static Optional<EntityBareJid> chatWith(Session session) throws Exception {
        Online online = session.online();
        EntityBareJid peer = session.peer();
        ChatScreen screen = session.screen();
        ExecutorService actions = session.actions();
        online.conversations.reading(peer);
        try (PeerRendezvous meeting = PeerRendezvous.start(online, peer, "chatting")) {
            ChatStatus status = new ChatStatus(online.manager, peer, online.subscriptions);
            ChatOutgoing[] outgoing = new ChatOutgoing[1];
            Runnable refresh = () -> screen.status(status.line(outgoing[0].queued()));
            outgoing[0] = new ChatOutgoing(online, peer, screen, actions, refresh);
            session.refresh()[0] = refresh;
            session.events().connected(status, outgoing[0], meeting, refresh);
            try (Reconnector reconnector = Reconnector.watch(online.connection, new ChatReconnection(online,
                    screen, status, outgoing[0], meeting, actions, refresh))) {
                actions.execute(refresh);
                outgoing[0].flushOutbox();
                screen.print("Chatting with " + peer + " as " + online.connection.getUser() + "; /help lists the "
                        + "commands.");
                return converse(new Conversation(online, peer, screen, status, outgoing[0], session.events(),
                        actions, refresh));
            }
        }
    }

    private record Conversation(Online online, EntityBareJid peer, ChatScreen screen, ChatStatus status,
            ChatOutgoing outgoing, ChatEvents events, ExecutorService actions, Runnable refresh) {
    }

    /** Reads what the user types until /quit or Ctrl-D (empty) or /open JID (that contact). */
    private static Optional<EntityBareJid> converse(Conversation chat) {
        while (true) {
            String line = chat.screen().read("> ");
            if (line == null) {
                return Optional.empty();
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("//")) {
                chat.outgoing().type(line.substring(1));
                continue;
            }
            if (!line.startsWith("/")) {
                chat.outgoing().type(line);
                continue;
            }
            String command = line.split("\\s+", 2)[0];
            switch (command) {
                case "/quit":
                    return Optional.empty();
                case "/open":
                    Optional<EntityBareJid> next = ChatCommands.open(chat.online(), chat.peer(), line,
                            chat.screen());
                    if (next.isPresent()) {
                        return next;
                    }
                    break;
                case "/contacts":
                    chat.actions().execute(() -> ChatCommands.contacts(chat.online(), chat.screen()));
                    break;
                case "/outbox":
                    chat.actions().execute(() -> ChatCommands.outbox(chat.online(), chat.peer(), chat.screen()));
                    break;
                case "/devices":
                    chat.actions().execute(() -> ChatCommands.devices(chat.online(), chat.peer(), chat.screen()));
                    break;
                case "/help":
                    HELP.forEach(chat.screen()::print);
                    break;
                case "/status":
                    chat.screen().print(chat.status().line(chat.outgoing().queued()));
                    break;
                case "/verify":
                    verify(chat);
                    break;
                default:
                    chat.screen().print("unknown command " + command + "; /help lists them (//text sends /text)");
            }
        }
    }

    /** The SAS comparison of {@code sotto verify}, on the session the status line shows. */
    private static void verify(Conversation chat) {
        EntityBareJid peer = chat.peer();
        Optional<SessionSummary> session = chat.status().current();
        if (session.isEmpty()) {
            chat.screen().alert("! no encrypted session with " + peer + " yet; /verify compares the SAS of one. "
                    + "Wait until the status line shows it.");
            return;
        }
        SasCheck.Comparison found = new SasCheck.Comparison(session.get().sas(),
                session.get().sas().isPresent() ? Optional.empty() : chat.events().peerFingerprint());
        if (found.sas().isEmpty() && found.fingerprint().isEmpty()) {
            chat.screen().alert("! nothing to compare yet: this session began offline (no SAS) and " + peer
                    + " has not proved its key; wait for a message from them");
            return;
        }
        SasCheck.shown(peer, found).forEach(chat.screen()::print);
        String answer = chat.screen().read(SasCheck.question(peer, found));
        if (answer == null) {
            chat.screen().print("no answer; nothing recorded");
            return;
        }
        try {
            chat.screen().print(SasCheck.record(chat.online().manager, peer, SasCheck.isYes(answer)));
        } catch (CliException e) {
            chat.screen().alert("! " + e.getMessage());
        }
        chat.actions().execute(chat.refresh());
    }
}
