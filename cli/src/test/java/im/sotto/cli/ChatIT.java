package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    private static Prosody prosody;

    @TempDir
    Path temp;

    @BeforeAll
    static void startProsody() throws Exception {
        prosody = new Prosody();
    }

    @AfterAll
    static void stopProsody() throws Exception {
        if (prosody != null) {
            prosody.close();
        }
    }

    private Map<String, String> env(String user) {
        return Map.of("SOTTO_HOME", temp.resolve(user).toString(), "SOTTO_PASSWORD", prosody.password(user));
    }

    private void add(String user) throws Exception {
        CliProcess.Run run = CliProcess.run(env(user), null, 120, "account", "add", prosody.jid(user), "--server",
                prosody.server(), "--insecure-loopback", "--no-passphrase");
        assertEquals(0, run.exit(), run.toString());
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
        add("alice");
        add("bob");
        String aliceJid = prosody.jid("alice");
        String bobJid = prosody.jid("bob");
        try (Tmux tmux = new Tmux(temp)) {
            tmux.start("alice", WIDTH, HEIGHT, env("alice"), CliProcess.javaCommand("chat", bobJid));
            tmux.start("bob", WIDTH, HEIGHT, env("bob"), CliProcess.javaCommand("chat", aliceJid));

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
            tmux.await("bob", DELIVERY, "alice's message", s -> s.lines().anyMatch(l -> l.contains(aliceJid + "/")
                    && l.contains(": " + hello + "  [UNVERIFIED]")));

            // Bob is halfway through his reply when alice's second message arrives: it appears above, and what bob
            // has typed stays on his prompt line; he finishes it and alice sees the whole reply.
            tmux.keys("bob", "half typed");
            tmux.await("bob", DELIVERY, "bob's half-typed reply", s -> promptRow(s).equals("> half typed"));
            String second = "are you there " + UUID.randomUUID().toString().substring(0, 8);
            tmux.type("alice", second);
            tmux.await("bob", DELIVERY, "alice's second message above the unfinished line",
                    s -> s.contains(": " + second + "  [") && promptRow(s).equals("> half typed")
                            && s.indexOf(second) < s.lastIndexOf("> half typed"));
            tmux.type("bob", " and finished");
            tmux.await("alice", DELIVERY, "bob's reply", s -> s.lines().anyMatch(l -> l.contains(bobJid + "/")
                    && l.contains(": half typed and finished  [")));
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
        CliProcess.Run contacts = CliProcess.run(env("alice"), null, 120, "contacts");
        assertTrue(contacts.out().lines().anyMatch(l -> l.startsWith(bobJid) && l.contains("VERIFIED")),
                "the decision was recorded: " + contacts);
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
