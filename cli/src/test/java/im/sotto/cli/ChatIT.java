package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.impl.JidCreate;

/**
 * {@code sotto chat} used as a person uses it: two chats in real terminals (tmux panes), keys typed into one, the
 * other's screen read, against a private Prosody. Every wait polls the screen with a limit; nothing relies on a
 * fixed sleep.
 */
class ChatIT {
    /** A JVM start, a login and a handshake on a loaded two-core machine. */
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final int WIDTH = 200;
    private static final int HEIGHT = 40;
    private static final Pattern SAS = Pattern.compile("SAS with \\S+: ([0-9A-Z]{8})");

    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.plaintext();

    /** alice and bob run sotto chat for each other in the panes named; returns once both hold a session. */
    private static void chatEachOther(Tmux tmux, String alicePane, String bobPane) throws Exception {
        String aliceJid = prosody.jid("alice");
        String bobJid = prosody.jid("bob");
        tmux.start(alicePane, WIDTH, HEIGHT, prosody.env("alice"), CliProcess.javaCommand("chat", bobJid));
        tmux.start(bobPane, WIDTH, HEIGHT, prosody.env("bob"), CliProcess.javaCommand("chat", aliceJid));
        tmux.await(alicePane, START, "a session", s -> statusLine(s).startsWith(bobJid + " | encrypted "));
        tmux.await(bobPane, START, "a session", s -> statusLine(s).startsWith(aliceJid + " | encrypted "));
    }

    /** The status line: the bottom row of the screen. */
    private static String statusLine(String screen) {
        List<String> rows = screen.lines().toList();
        return rows.get(rows.size() - 1);
    }

    /** The row being typed: the last one starting with the prompt. */
    private static String promptRow(String screen) {
        return screen.lines().filter(l -> l.startsWith("> ")).reduce((a, b) -> b).orElse("");
    }

    @Test
    void twoPeopleChatVerifyAndLeave() throws Exception {
        prosody.add("alice");
        prosody.add("bob");
        String aliceJid = prosody.jid("alice");
        String bobJid = prosody.jid("bob");
        try (Tmux tmux = new Tmux(prosody.temp())) {
            tmux.start("alice", WIDTH, HEIGHT, prosody.env("alice"), CliProcess.javaCommand("chat", bobJid));
            tmux.start("bob", WIDTH, HEIGHT, prosody.env("bob"), CliProcess.javaCommand("chat", aliceJid));

            // Both status lines show an encrypted session, with the same SAS, before anything is typed.
            String encrypted = " | encrypted X25519_";
            String aliceScreen = tmux.await("alice", START, "an encrypted session in the status line",
                    s -> statusLine(s).startsWith(bobJid + encrypted) && statusLine(s).contains("| SAS "));
            String bobScreen = tmux.await("bob", START, "an encrypted session in the status line",
                    s -> statusLine(s).startsWith(aliceJid + encrypted) && statusLine(s).contains("| SAS "));
            assertTrue(statusLine(aliceScreen).contains("| trust UNVERIFIED"), aliceScreen);
            assertTrue(statusLine(aliceScreen).contains("online"), aliceScreen);
            assertTrue(statusLine(aliceScreen).contains("| continuity NEW_PEER"), "a first contact: " + aliceScreen);
            assertTrue(statusLine(bobScreen).contains("| continuity NEW_PEER"), "a first contact: " + bobScreen);
            String sas = statusLine(aliceScreen).replaceAll(".*\\| SAS (\\S+).*", "$1");
            assertTrue(statusLine(bobScreen).contains("| SAS " + sas + " "), "the same SAS on both sides:\n"
                    + aliceScreen + "\n" + bobScreen);

            // Alice writes; it appears in bob's pane as alice's message.
            String hello = "hello bob " + UUID.randomUUID().toString().substring(0, 8);
            tmux.type("alice", hello);
            // The trust tag leads the line, so that nothing alice wrote can stand before it.
            tmux.await("bob", DELIVERY, "alice's message", s -> s.lines().anyMatch(
                    l -> l.contains("[UNVERIFIED] " + aliceJid + "/") && l.contains(": " + hello)));

            // Bob is halfway through his reply when alice's second message arrives: it appears above, and what bob
            // has typed stays on his prompt line; he finishes it and alice sees the whole reply.
            tmux.keys("bob", "half typed");
            tmux.await("bob", DELIVERY, "bob's half-typed reply", s -> promptRow(s).equals("> half typed"));
            String second = "are you there " + UUID.randomUUID().toString().substring(0, 8);
            tmux.type("alice", second);
            tmux.await("bob", DELIVERY, "alice's second message above the unfinished line",
                    s -> s.contains(": " + second) && promptRow(s).equals("> half typed")
                            && s.indexOf(second) < s.lastIndexOf("> half typed"));
            tmux.type("bob", " and finished");
            tmux.await("alice", DELIVERY, "bob's reply", s -> s.lines().anyMatch(l -> l.contains(bobJid + "/")
                    && l.contains("] " + bobJid + "/") && l.contains(": half typed and finished")));
            assertFalse(prosody.storedData().contains(hello) || prosody.storedData().contains("half typed"),
                    "the server kept no plaintext");

            // Both compare the SAS with /verify and answer y: both status lines then say VERIFIED.
            tmux.type("alice", "/verify");
            tmux.type("bob", "/verify");
            aliceScreen = tmux.await("alice", DELIVERY, "the SAS question", s -> s.contains("see the same 8 "
                    + "characters? [yes/no]"));
            bobScreen = tmux.await("bob", DELIVERY, "the SAS question", s -> s.contains("see the same 8 "
                    + "characters? [yes/no]"));
            assertEquals(sas, shownSas(aliceScreen), aliceScreen);
            assertEquals(sas, shownSas(bobScreen), bobScreen);
            tmux.type("alice", "y");
            tmux.type("bob", "y");
            tmux.await("alice", DELIVERY, "VERIFIED", s -> s.contains(bobJid + " is now VERIFIED")
                    && statusLine(s).contains("| trust VERIFIED"));
            tmux.await("bob", DELIVERY, "VERIFIED", s -> s.contains(aliceJid + " is now VERIFIED")
                    && statusLine(s).contains("| trust VERIFIED"));

            // /quit and Ctrl-D both leave cleanly.
            tmux.type("alice", "/quit");
            tmux.keys("bob", "\u0004");
            assertEquals(0, tmux.awaitExit("alice", DELIVERY), tmux.screen("alice"));
            assertEquals(0, tmux.awaitExit("bob", DELIVERY), tmux.screen("bob"));
        }
        CliProcess.Run contacts = prosody.sotto(prosody.env("alice"), "contacts");
        assertTrue(contacts.out().lines().anyMatch(l -> l.startsWith(bobJid) && l.contains("VERIFIED")),
                "the decision was recorded: " + contacts);
    }

    /**
     * The server stops mid-conversation (as an administrator restarting it would): both chats say the connection was
     * lost and show OFFLINE; what alice types meanwhile waits in the outbox, never on the server in plaintext; once the
     * server is back both reconnect by themselves, the waiting message reaches bob and the conversation goes on.
     */
    @Test
    void aServerRestartIsSurvivedAndWhatWasTypedMeanwhileGoesOut() throws Exception {
        prosody.add("alice");
        prosody.add("bob");
        String aliceJid = prosody.jid("alice");
        String bobJid = prosody.jid("bob");
        try (Tmux tmux = new Tmux(prosody.temp())) {
            chatEachOther(tmux, "alice", "bob");
            for (String pane : List.of("alice", "bob")) {
                assertTrue(statusLine(tmux.screen(pane)).endsWith("| server online"), tmux.screen(pane));
            }

            prosody.stop();
            for (String pane : List.of("alice", "bob")) {
                tmux.await(pane, DELIVERY, "the connection lost, OFFLINE", s -> s.lines().anyMatch(l -> l.startsWith(
                        "! the connection to the server was lost (")) && statusLine(s).contains(
                        "| server OFFLINE, reconnecting"));
            }
            String meanwhile = "typed while offline " + UUID.randomUUID().toString().substring(0, 8);
            tmux.type("alice", meanwhile);
            tmux.await("alice", DELIVERY, "the message kept in the outbox", s -> s.contains("  offline: kept in the "
                    + "outbox (encrypted at rest)") && statusLine(s).contains("| 1 queued | server OFFLINE"));
            assertFalse(prosody.storedData().contains(meanwhile), "nothing reached the server in plaintext");

            prosody.restart();
            for (String pane : List.of("alice", "bob")) {
                tmux.await(pane, START, "reconnected, online", s -> s.contains("  connected again as ")
                        && statusLine(s).endsWith("| server online"));
            }
            tmux.await("bob", DELIVERY, "the message typed while offline", s -> s.lines().anyMatch(l -> l.contains(
                    aliceJid + "/") && l.contains("] " + aliceJid + "/") && l.contains(": " + meanwhile)));
            tmux.await("alice", DELIVERY, "the outbox sent", s -> !statusLine(s).contains("queued"));
            String answer = "welcome back " + UUID.randomUUID().toString().substring(0, 8);
            tmux.type("bob", answer);
            tmux.await("alice", DELIVERY, "bob's answer", s -> s.lines().anyMatch(l -> l.contains(bobJid + "/")
                    && l.contains("] " + bobJid + "/") && l.contains(": " + answer)));
            assertFalse(prosody.storedData().contains(meanwhile) || prosody.storedData().contains(answer),
                    "the server kept no plaintext");
            tmux.type("alice", "/quit");
            tmux.type("bob", "/quit");
            assertEquals(0, tmux.awaitExit("alice", DELIVERY), tmux.screen("alice"));
            assertEquals(0, tmux.awaitExit("bob", DELIVERY), tmux.screen("bob"));
        }
    }

    /**
     * Carol has no Sotto yet: what alice types waits (the line says so, the reason is one line, the status counts
     * it) and never reaches the server in plaintext; once carol runs sotto chat, it goes out encrypted.
     */
    @Test
    void messagesWaitWithoutASessionNeverPlaintextAndGoOutOnceThereIsOne() throws Exception {
        prosody.add("alice");
        String aliceJid = prosody.jid("alice");
        String carolJid = prosody.jid("carol");
        String secret = "for carol only " + UUID.randomUUID().toString().substring(0, 8);
        try (Tmux tmux = new Tmux(prosody.temp())) {
            tmux.start("alice", WIDTH, HEIGHT, prosody.env("alice"), CliProcess.javaCommand("chat", carolJid));
            tmux.await("alice", START, "no session in the status line", s -> statusLine(s).startsWith(carolJid
                    + " | no session yet (messages wait, never sent in plaintext)"));
            tmux.type("alice", secret);
            tmux.await("alice", DELIVERY, "the message queued, with the reason", s -> s.contains(
                    "queued: no encrypted session with " + carolJid + " yet") && Tmux.unwrapped(s).lines()
                    .anyMatch(l -> l.startsWith(
                    "! not sent to " + carolJid + ": PEER_HAS_NO_SOTTO: ") && l.contains("Never sent in plaintext."))
                    && statusLine(s).contains("| 1 queued"));
            assertFalse(prosody.storedData().contains(secret), "nothing reached the server in plaintext");

            prosody.add("carol");
            tmux.start("carol", WIDTH, HEIGHT, prosody.env("carol"), CliProcess.javaCommand("chat", aliceJid));
            tmux.await("carol", START, "alice's waiting message", s -> s.lines().anyMatch(l -> l.contains(aliceJid
                    + "/") && l.contains("] " + aliceJid + "/") && l.contains(": " + secret)));
            tmux.await("alice", DELIVERY, "the outbox sent", s -> s.contains("1 message from the outbox went out "
                    + "encrypted") && statusLine(s).startsWith(carolJid + " | encrypted ") && !statusLine(s)
                    .contains("queued"));
            assertFalse(prosody.storedData().contains(secret), "the server kept no plaintext");
            tmux.type("alice", "/quit");
            tmux.type("carol", "/quit");
            assertEquals(0, tmux.awaitExit("alice", DELIVERY), tmux.screen("alice"));
            assertEquals(0, tmux.awaitExit("carol", DELIVERY), tmux.screen("carol"));
        }
    }

    /**
     * Bob reinstalls (a new account key under the same JID, as an attacker who took over his account would show):
     * alice's chat says so in one line, the status line shows it, and what she types is held, not sent.
     */
    @Test
    void aChangedKeyIsOneLineInTheStatusAndHoldsSending() throws Exception {
        prosody.add("alice");
        prosody.add("bob");
        String aliceJid = prosody.jid("alice");
        String bobJid = prosody.jid("bob");
        try (Tmux tmux = new Tmux(prosody.temp())) {
            chatEachOther(tmux, "alice1", "bob1");
            tmux.type("alice1", "/quit");
            tmux.type("bob1", "/quit");
            assertEquals(0, tmux.awaitExit("alice1", DELIVERY), tmux.screen("alice1"));
            assertEquals(0, tmux.awaitExit("bob1", DELIVERY), tmux.screen("bob1"));

            PrivateServer.deleteTree(prosody.temp().resolve("bob"));
            prosody.add("bob");
            tmux.start("alice2", WIDTH, HEIGHT, prosody.env("alice"), CliProcess.javaCommand("chat", bobJid));
            tmux.start("bob2", WIDTH, HEIGHT, prosody.env("bob"), CliProcess.javaCommand("chat", aliceJid));
            String screen = tmux.await("alice2", START, "the key change", s -> statusLine(s).contains("| KEY CHANGED"));
            assertTrue(screen.lines().anyMatch(l -> l.contains("! " + bobJid + " presented a NEW account key: ")
                    && l.contains("sending held until you accept it")), screen);
            String held = "to the new key " + UUID.randomUUID().toString().substring(0, 8);
            tmux.type("alice2", held);
            screen = tmux.await("alice2", DELIVERY, "the message held", s -> Tmux.unwrapped(s).lines()
                    .anyMatch(l -> l.startsWith(
                    "! held for " + bobJid + ": KEY_CHANGED: ") && l.endsWith("goes out once you decide. Never sent "
                    + "in plaintext.")));
            assertTrue(statusLine(screen).contains("| KEY CHANGED"), screen);
            assertEquals(1, screen.lines().filter(l -> l.contains(" presented a NEW account key: ")).count(),
                    "the key change is said once:\n" + screen);
            assertFalse(tmux.screen("bob2").contains(held), "bob's new key got nothing");
            tmux.type("alice2", "/quit");
            tmux.type("bob2", "/quit");
            assertEquals(0, tmux.awaitExit("alice2", DELIVERY), tmux.screen("alice2"));
            assertEquals(0, tmux.awaitExit("bob2", DELIVERY), tmux.screen("bob2"));
        }
    }

    /**
     * Someone who can inject stanzas into alice's stream (her server, or a thief of her password) sends bob a Sotto
     * element of an unknown kind: bob's chat shows one line with the typed reason, MALFORMED, makes nothing of it
     * and carries on.
     */
    @Test
    void anUndecryptableStanzaIsOneLineWithItsTypedReason() throws Exception {
        prosody.add("bob");
        String aliceJid = prosody.jid("alice");
        try (Tmux tmux = new Tmux(prosody.temp())) {
            tmux.start("bob", WIDTH, HEIGHT, prosody.env("bob"), CliProcess.javaCommand("chat", aliceJid));
            tmux.await("bob", START, "the chat ready", s -> s.contains("Chatting with " + aliceJid)
                    && statusLine(s).startsWith(aliceJid + " | "));
            XMPPTCPConnection injector = new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder()
                    .setXmppDomain(prosody.domain()).setHost("127.0.0.1")
                    .setPort(Integer.parseInt(prosody.server().substring(prosody.server().indexOf(':') + 1)))
                    .setUsernameAndPassword("alice", prosody.password("alice")).setResource("injector")
                    .setSecurityMode(ConnectionConfiguration.SecurityMode.disabled).build());
            try {
                injector.connect().login();
                injector.sendStanza(StanzaBuilder.buildMessage().to(JidCreate.entityBareFrom(prosody.jid("bob")))
                        .ofType(Message.Type.chat).addExtension(StandardExtensionElement.builder("encrypted",
                                "https://sotto.im/protocol/1").addAttribute("kind", "bogus").setText("AAAA").build())
                        .build());
            } finally {
                injector.disconnect();
            }
            // Smack hands the binding only the unparsed rest of such a stanza, without its sender.
            tmux.await("bob", DELIVERY, "the undecryptable stanza with its reason", s -> s.lines().anyMatch(l ->
                    l.matches("\\d\\d:\\d\\d:\\d\\d ! undecryptable stanza from an unknown sender: MALFORMED "
                            + "\\(unknown kind 'bogus'\\)")));
            assertTrue(statusLine(tmux.screen("bob")).startsWith(aliceJid + " | no session yet"),
                    "nothing came of it: " + tmux.screen("bob"));
            tmux.type("bob", "/quit");
            assertEquals(0, tmux.awaitExit("bob", DELIVERY), tmux.screen("bob"));
        }
    }

    @Test
    void helpListsChatAndItsCommands() throws Exception {
        CliProcess.Run help = CliProcess.run(Map.of(), null, 60, "--help");
        assertTrue(help.out().lines().anyMatch(l -> l.strip().startsWith("chat ")), help.out());
        CliProcess.Run chatHelp = CliProcess.run(Map.of(), null, 60, "chat", "--help");
        assertEquals(0, chatHelp.exit(), chatHelp.toString());
        for (String command : List.of("/verify", "/status", "/help", "/quit")) {
            assertTrue(chatHelp.out().contains(command), command + " missing:\n" + chatHelp.out());
        }
    }

    private static String shownSas(String screen) {
        Matcher m = SAS.matcher(screen);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return last;
    }
}
