package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The conversation log and end-to-end receipts through {@code sotto chat} in real terminals (tmux) against a private
 * Prosody: a sent line gets its time and, once bob's client confirms it inside the encrypted envelope, a delivered
 * mark; the server's data never holds a receipt (or a request) in the clear; reopening the chat shows the
 * conversation again, from the store, where none of it is readable.
 */
class ChatHistoryIT {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final int WIDTH = 200;
    private static final int HEIGHT = 40;
    private static final String TIME = "\\d\\d:\\d\\d:\\d\\d";

    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.plaintext();

    private static String statusLine(String screen) {
        List<String> rows = screen.lines().toList();
        return rows.get(rows.size() - 1);
    }

    @Test
    void aSentLineIsConfirmedByAnEncryptedReceiptAndTheChatShowsItsHistoryWhenItOpens() throws Exception {
        prosody.add("alice");
        prosody.add("bob");
        String aliceJid = prosody.jid("alice");
        String bobJid = prosody.jid("bob");
        String first = "first words " + UUID.randomUUID().toString().substring(0, 8);
        String reply = "the reply " + UUID.randomUUID().toString().substring(0, 8);
        try (Tmux tmux = new Tmux(prosody.temp())) {
            tmux.start("alice", WIDTH, HEIGHT, prosody.env("alice"), CliProcess.javaCommand("chat", bobJid));
            tmux.start("bob", WIDTH, HEIGHT, prosody.env("bob"), CliProcess.javaCommand("chat", aliceJid));
            tmux.await("alice", START, "a session", s -> statusLine(s).startsWith(bobJid + " | encrypted "));
            tmux.await("bob", START, "a session", s -> statusLine(s).startsWith(aliceJid + " | encrypted "));

            tmux.type("alice", first);
            tmux.await("bob", DELIVERY, "alice's message", s -> s.contains(": " + first));
            String aliceScreen = tmux.await("alice", DELIVERY, "the delivered mark", s -> s.contains(
                    "\u2713 delivered to " + bobJid + ": " + first));
            assertTrue(aliceScreen.lines().anyMatch(l -> l.matches(TIME + " me: " + first)),
                    "our own line, with its time:\n" + aliceScreen);
            assertFalse(aliceScreen.lines().anyMatch(l -> l.equals("> " + first)), "the typed row gave way to the "
                    + "line with its time:\n" + aliceScreen);

            tmux.type("bob", reply);
            tmux.await("alice", DELIVERY, "bob's reply", s -> s.contains("] " + bobJid + "/") && s.contains(": "
                    + reply));
            tmux.await("bob", DELIVERY, "the delivered mark", s -> s.contains("\u2713 delivered to " + aliceJid));
            tmux.type("alice", "/quit");
            tmux.type("bob", "/quit");
            assertEquals(0, tmux.awaitExit("alice", DELIVERY), tmux.screen("alice"));
            assertEquals(0, tmux.awaitExit("bob", DELIVERY), tmux.screen("bob"));
        }
        String stored = prosody.storedData();
        assertTrue(stored.contains(im.sotto.xmpp.element.SottoEncrypted.NAMESPACE),
                "control: the archive holds the encrypted messages");
        assertFalse(stored.contains("urn:xmpp:receipts"), "no receipt and no request in the clear on the server");
        assertFalse(stored.contains(first) || stored.contains(reply), "no plaintext on the server");
        for (String text : List.of(first, reply, bobJid)) {
            NoCleartext.assertAbsent(prosody.temp().resolve("alice"), text);
        }

        // Bob writes while alice's chat is closed; her listen shows it: unread until a chat with bob shows it.
        String away = "while you were away " + UUID.randomUUID().toString().substring(0, 8);
        prosody.ok(prosody.env("bob"), "send", aliceJid, away);
        prosody.ok(prosody.env("alice"), "listen", "--count", "1", "--timeout", "60");
        String contacts = prosody.ok(prosody.env("alice"), "contacts").out();
        assertEquals("1", unread(contacts, bobJid), contacts);

        // Alice opens the chat again, bob is away: the conversation is there, from the encrypted log.
        try (Tmux tmux = new Tmux(prosody.temp())) {
            tmux.start("again", WIDTH, HEIGHT, prosody.env("alice"), CliProcess.javaCommand("chat", bobJid));
            // The history is printed after its heading: wait for its last line, not only the heading.
            String screen = tmux.await("again", START, "the history", s -> s.contains("-- the last 3 lines with "
                    + bobJid + " (from the encrypted log) --") && s.contains(": " + away));
            List<String> rows = screen.lines().toList();
            int mine = indexOf(rows, l -> l.matches(TIME + " me: " + first + "  \u2713"));
            int theirs = indexOf(rows, l -> l.matches(TIME + " \\[UNVERIFIED\\] " + bobJid + "/\\S+: " + reply));
            int unseen = indexOf(rows, l -> l.matches(TIME + " \\[UNVERIFIED\\] " + bobJid + "/\\S+: " + away));
            assertTrue(mine >= 0 && theirs > mine && unseen > theirs, "the lines, in order, ours delivered:\n"
                    + screen);
            tmux.type("again", "/quit");
            assertEquals(0, tmux.awaitExit("again", START), tmux.screen("again"));
        }
        assertEquals("0", unread(prosody.ok(prosody.env("alice"), "contacts").out(), bobJid), "the chat showed it");
    }

    /**
     * Alice chats with bob when carol writes: carol's message is announced with how to answer it, /contacts shows
     * the table inside the chat, and /open moves the chat to carol (her line first) without leaving it.
     */
    @Test
    void aMessageFromAnotherContactIsAnnouncedAndOpenAnswersItWithoutLeaving() throws Exception {
        prosody.add("alice");
        prosody.add("bob");
        prosody.add("carol");
        String aliceJid = prosody.jid("alice");
        String bobJid = prosody.jid("bob");
        String carolJid = prosody.jid("carol");
        String fromCarol = "carol here " + UUID.randomUUID().toString().substring(0, 8);
        String answer = "hello carol " + UUID.randomUUID().toString().substring(0, 8);
        try (Tmux tmux = new Tmux(prosody.temp())) {
            tmux.start("alice", WIDTH, HEIGHT, prosody.env("alice"), CliProcess.javaCommand("chat", bobJid));
            tmux.await("alice", START, "the chat", s -> statusLine(s).startsWith(bobJid + " | "));
            tmux.await("alice", START, "logged in", s -> s.contains("Chatting with " + bobJid));

            prosody.ok(prosody.env("carol"), "send", aliceJid, fromCarol);
            tmux.await("alice", DELIVERY, "carol's message, announced", s -> s.lines().anyMatch(l -> l.contains(
                    "] " + carolJid + "/") && l.contains(": " + fromCarol + "   (/open " + carolJid + " to answer)")));

            tmux.type("alice", "/contacts");
            String screen = tmux.await("alice", DELIVERY, "the contacts table", s -> s.contains("UNREAD")
                    && s.lines().anyMatch(l -> l.startsWith(carolJid + " ")));
            assertTrue(screen.lines().anyMatch(l -> l.startsWith("CONTACT ") && l.contains("PRESENCE")), screen);

            tmux.type("alice", "/open " + carolJid);
            tmux.await("alice", DELIVERY, "the chat with carol, her line first", s -> s.contains("-- the last 1 "
                    + "line with " + carolJid + " (from the encrypted log) --") && s.contains("Chatting with "
                    + carolJid) && statusLine(s).startsWith(carolJid + " | "));
            tmux.type("alice", answer);
            CliProcess.Run carol = prosody.ok(prosody.env("carol"), "listen", "--count", "1", "--timeout", "60");
            assertTrue(carol.out().contains(answer), carol.toString());
            tmux.type("alice", "/quit");
            assertEquals(0, tmux.awaitExit("alice", DELIVERY), tmux.screen("alice"));
        }
        assertEquals("0", unread(prosody.ok(prosody.env("alice"), "contacts").out(), carolJid), "the chat showed it");
    }

    /** The UNREAD column of {@code contact}'s row in the table of sotto contacts. */
    private static String unread(String table, String contact) {
        List<String> rows = table.lines().toList();
        int column = rows.get(0).indexOf("UNREAD");
        String row = rows.stream().filter(l -> l.startsWith(contact + " ")).findFirst().orElseThrow(
                () -> new AssertionError(contact + " not in\n" + table));
        return row.substring(column).split(" +")[0];
    }

    private static int indexOf(List<String> rows, java.util.function.Predicate<String> match) {
        for (int i = 0; i < rows.size(); i++) {
            if (match.test(rows.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
