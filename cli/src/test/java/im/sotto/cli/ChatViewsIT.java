package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How {@code sotto chat} shows things in a real terminal (tmux) against a private Prosody: a long line wrapped at word
 * boundaries on both screens, {@code /outbox} and {@code /devices} showing what {@code sotto outbox} and
 * {@code sotto devices} print for the contact of the chat, without leaving it, and the account's other commands
 * handed to the running chat.
 */
class ChatViewsIT {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration DELIVERY = Duration.ofSeconds(30);
    /** Narrow, so that a message of a few lines wraps. */
    private static final int NARROW = 64;
    private static final int WIDTH = 200;
    private static final int HEIGHT = 40;

    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.plaintext();

    /**
     * Alice types a message three rows long: her own line and bob's show it in rows no wider than the terminal, cut
     * between words, continuation rows indented; every word is there once, in order. (A terminal left to itself cuts
     * mid-word and continues at column 0; tmux's capture then joins such a row back to its line.)
     */
    @Test
    void aLongLineWrapsAtWordBoundariesOnBothScreens() throws Exception {
        prosody.add("alice");
        prosody.add("bob");
        String aliceJid = prosody.jid("alice");
        String bobJid = prosody.jid("bob");
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String message = "start-" + tag + " this message is long enough to need three rows of a narrow terminal, "
                + "so the chat wraps it between words and indents what follows under its text end-" + tag;
        try (Tmux tmux = new Tmux(prosody.temp())) {
            tmux.start("alice", NARROW, HEIGHT, prosody.env("alice"), CliProcess.javaCommand("chat", bobJid));
            tmux.start("bob", NARROW, HEIGHT, prosody.env("bob"), CliProcess.javaCommand("chat", aliceJid));
            tmux.await("alice", START, "a session", s -> s.contains(bobJid + " | encrypted "));
            tmux.await("bob", START, "a session", s -> s.contains(aliceJid + " | encrypted "));

            tmux.type("alice", message);
            String bobScreen = tmux.await("bob", DELIVERY, "alice's message, to its end", s -> s.contains("end-"
                    + tag));
            assertWrapped(bobScreen, message, tag);
            String aliceScreen = tmux.await("alice", DELIVERY, "her own line, to its end", s -> s.lines()
                    .anyMatch(l -> l.contains(" me: start-" + tag)) && s.contains("end-" + tag));
            assertWrapped(aliceScreen, message, tag);

            tmux.type("alice", "/quit");
            tmux.type("bob", "/quit");
            assertEquals(0, tmux.awaitExit("alice", DELIVERY), tmux.screen("alice"));
            assertEquals(0, tmux.awaitExit("bob", DELIVERY), tmux.screen("bob"));
        }
    }

    /**
     * While a chat of the account runs, {@code send} and the commands that only read are answered by it over the
     * hand-off socket, as by a listen, instead of exiting 5 (the store's lock).
     */
    @Test
    void theAccountsOtherCommandsAreHandedToARunningChat() throws Exception {
        prosody.add("alice");
        prosody.add("bob");
        String aliceJid = prosody.jid("alice");
        String bobJid = prosody.jid("bob");
        try (Tmux tmux = new Tmux(prosody.temp())) {
            tmux.start("alice", WIDTH, HEIGHT, prosody.env("alice"), CliProcess.javaCommand("chat", bobJid));
            tmux.await("alice", START, "the chat ready", s -> s.contains("Chatting with " + bobJid));

            CliProcess.Run fingerprint = prosody.sotto(prosody.env("alice"), "fingerprint");
            assertEquals(0, fingerprint.exit(), fingerprint.toString());
            assertTrue(fingerprint.out().startsWith(aliceJid + " "), fingerprint.toString());
            CliProcess.Run sent = prosody.sotto(prosody.env("alice"), "send", bobJid, "handed", "to", "the", "chat");
            assertEquals(0, sent.exit(), sent.toString());
            assertTrue(sent.err().contains("Handed to the running chat of " + aliceJid), sent.toString());
            assertFalse(sent.err().contains("Connecting to"), "no second login: " + sent);

            tmux.type("alice", "/quit");
            assertEquals(0, tmux.awaitExit("alice", DELIVERY), tmux.screen("alice"));
        }
        CliProcess.Run received = prosody.sotto(prosody.env("bob"), "listen", "--json", "--count", "1",
                "--timeout", "60");
        assertEquals(List.of("handed to the chat"), PrivateServer.bodies(received), received.toString());
    }

    /** The message's rows on {@code screen}: from the row it starts on to the row with its end. */
    private static void assertWrapped(String screen, String message, String tag) {
        List<String> rows = screen.lines().toList();
        int first = -1;
        int last = -1;
        for (int i = 0; i < rows.size(); i++) {
            if (first < 0 && rows.get(i).contains("start-" + tag)) {
                first = i;
            }
            if (first >= 0 && rows.get(i).contains("end-" + tag)) {
                last = i;
                break;
            }
        }
        assertTrue(first >= 0 && last - first >= 2, "the message on three rows or more:\n" + screen);
        List<String> mine = rows.subList(first, last + 1);
        for (String row : mine) {
            assertTrue(row.length() <= NARROW, "a row wider than the terminal (" + row.length() + "): " + row);
        }
        for (String row : mine.subList(1, mine.size())) {
            assertTrue(row.startsWith("  "), "a continuation row at column 0:\n" + String.join("\n", mine));
        }
        String head = mine.get(0);
        String text = head.substring(head.indexOf("start-" + tag)) + " " + String.join(" ", mine.subList(1,
                mine.size()).stream().map(String::strip).toList());
        assertEquals(Arrays.asList(message.split(" ")), Arrays.asList(text.split(" ")),
                "every word whole, once, in order:\n" + String.join("\n", mine));
    }

    /**
     * Alice's chat with carol, who has no Sotto: her message waits, and /outbox lists it with the reason, as
     * sotto outbox does; /devices says there is no session yet. After /open bob (a session from an earlier send),
     * /devices lists bob's device as sotto devices does, row for row.
     */
    @Test
    void outboxAndDevicesShowTheOpenContactWithoutLeavingTheChat() throws Exception {
        prosody.add("alice");
        prosody.add("bob");
        String bobJid = prosody.jid("bob");
        String carolJid = prosody.jid("carol");
        prosody.ok(prosody.env("alice"), "send", bobJid, "a session first");
        String expectedDevices = prosody.ok(prosody.env("alice"), "devices", bobJid).out();
        // Device, status and session; the last-seen time may move as the chat talks to bob's device.
        List<String> deviceRows = expectedDevices.lines().filter(l -> l.matches("\\d+ .*"))
                .map(ChatViewsIT::withoutLastSeen).toList();
        assertEquals(1, deviceRows.size(), expectedDevices);

        String waiting = "waits for carol " + UUID.randomUUID().toString().substring(0, 8);
        try (Tmux tmux = new Tmux(prosody.temp())) {
            tmux.start("alice", WIDTH, HEIGHT, prosody.env("alice"), CliProcess.javaCommand("chat", carolJid));
            tmux.await("alice", START, "logged in", s -> s.contains("Chatting with " + carolJid));
            tmux.type("alice", waiting);
            tmux.await("alice", DELIVERY, "the message queued", s -> s.contains("PEER_HAS_NO_SOTTO"));

            tmux.type("alice", "/outbox");
            String screen = tmux.await("alice", DELIVERY, "the outbox", s -> s.lines().anyMatch(l -> l.matches(
                    "\\d+ +" + carolJid.replace(".", "\\.") + " +.+ +PEER_HAS_NO_SOTTO.*")));
            assertTrue(screen.lines().anyMatch(l -> l.matches("ID +TO +AGE +WAITING BECAUSE")), screen);

            tmux.type("alice", "/devices");
            tmux.await("alice", DELIVERY, "no devices of carol", s -> s.contains("No session with " + carolJid
                    + " yet."));

            tmux.type("alice", "/open " + bobJid);
            tmux.await("alice", DELIVERY, "the chat with bob", s -> s.contains("Chatting with " + bobJid));
            tmux.type("alice", "/devices");
            screen = tmux.await("alice", DELIVERY, "bob's devices", s -> s.lines().map(ChatViewsIT::withoutLastSeen)
                    .anyMatch(deviceRows::contains));
            assertTrue(screen.lines().anyMatch(l -> l.matches("DEVICE +STATUS +SESSION +LAST SEEN")), screen);
            String trust = expectedDevices.lines().filter(l -> l.startsWith("Trust: ")).findFirst().orElseThrow();
            assertTrue(screen.lines().anyMatch(trust::equals), "the trust line of sotto devices, " + trust + ":\n"
                    + screen);
            tmux.type("alice", "/quit");
            assertEquals(0, tmux.awaitExit("alice", DELIVERY), tmux.screen("alice"));
        }
        String outbox = prosody.ok(prosody.env("alice"), "outbox", carolJid).out();
        assertTrue(outbox.contains("PEER_HAS_NO_SOTTO"), "control: sotto outbox lists the same message\n" + outbox);
    }

    /** A row of the devices table up to its last column (LAST SEEN). */
    private static String withoutLastSeen(String row) {
        String[] columns = row.split(" +");
        return columns.length < 3 ? row : columns[0] + " " + columns[1] + " " + columns[2];
    }
}
