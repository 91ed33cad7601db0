package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The outbox through the command line against a real Prosody: what cannot go out now waits with its reason and age
 * ({@code sotto outbox}), can be dropped ({@code sotto outbox drop ID}), never blocks a later message, goes out from
 * {@code listen} as well as {@code send}, and arrives with the time the user sent it.
 */
class OutboxIT {
    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.plaintext();

    private static CliProcess.Run sotto(Map<String, String> env, String... args) throws Exception {
        return prosody.sotto(env, args);
    }

    private static List<String> rows(CliProcess.Run outbox) {
        return outbox.out().lines().filter(l -> !l.startsWith("ID ")).toList();
    }

    @Test
    void theOutboxListsDropsAndBlocksNothingAndListenSendsIt() throws Exception {
        Map<String, String> alice = prosody.env("alice");
        Map<String, String> carol = prosody.env("carol");
        prosody.add("alice", alice, "--no-passphrase");
        String bobJid = prosody.jid("bob");
        String carolJid = prosody.jid("carol");

        Instant typed = Instant.now();
        CliProcess.Run first = sotto(alice, "send", carolJid, "first for carol");
        assertEquals(ExitCode.NOT_SENT, first.exit(), first.toString());
        assertTrue(CliProcess.oneLineError(first).contains("kept in the outbox"), first.toString());
        // Bob has no Sotto yet either: his message waits beside carol's.
        CliProcess.Run forBob = sotto(alice, "send", bobJid, "for bob, too early");
        assertEquals(ExitCode.NOT_SENT, forBob.exit(), forBob.toString());

        CliProcess.Run all = sotto(alice, "outbox");
        assertEquals(0, all.exit(), all.toString());
        List<String> listed = rows(all);
        assertEquals(2, listed.size(), all.out());
        assertTrue(listed.get(0).contains(carolJid) && listed.get(0).contains("PEER_HAS_NO_SOTTO")
                && listed.get(0).matches("^\\d+ +\\S+ +\\d+ (s|min) .*"), all.out());
        assertTrue(listed.get(1).contains(bobJid), all.out());
        assertEquals(1, rows(sotto(alice, "outbox", carolJid)).size());

        // A second message to carol is not queued "behind" the first: it is tried on its own and waits beside it.
        CliProcess.Run second = sotto(alice, "send", carolJid, "second for carol");
        assertEquals(ExitCode.NOT_SENT, second.exit(), second.toString());
        assertFalse(second.err().contains("older message"), second.err());
        // A waiting message can be dropped, once.
        String bobsId = rows(sotto(alice, "outbox", bobJid)).get(0).split(" +")[0];
        CliProcess.Run dropped = sotto(alice, "outbox", "drop", bobsId);
        assertEquals(0, dropped.exit(), dropped.toString());
        CliProcess.Run again = sotto(alice, "outbox", "drop", bobsId);
        assertEquals(ExitCode.USAGE, again.exit(), again.toString());
        assertTrue(sotto(alice, "outbox", bobJid).out().contains("The outbox is empty"));
        // Bob installs Sotto: a message to someone who can receive goes out whatever waits for others.
        prosody.add("bob", prosody.env("bob"), "--no-passphrase");
        CliProcess.Run toBob = sotto(alice, "send", bobJid, "for bob");
        assertEquals(0, toBob.exit(), toBob.toString());
        assertEquals(2, rows(sotto(alice, "outbox")).size(), "carol's two messages still wait");
        assertFalse(prosody.storedData().contains("for carol") || prosody.storedData().contains("for bob"),
                "nothing reached the server in plaintext");

        // Carol installs Sotto; alice only listens: the login sends what waits, oldest first.
        prosody.add("carol", carol, "--no-passphrase");
        Instant beforeListen = Instant.now();
        CliProcess.Run listening = sotto(alice, "listen", "--json", "--timeout", "15");
        assertEquals(0, listening.exit(), listening.toString());
        assertTrue(sotto(alice, "outbox").out().contains("The outbox is empty"), "sent from listen");

        CliProcess.Run received = sotto(carol, "listen", "--json", "--count", "2", "--timeout", "30");
        assertEquals(0, received.exit(), received.toString());
        List<JsonNode> messages = PrivateServer.jsonLines(received.out()).stream()
                .filter(e -> e.get("event").asText().equals("message")).toList();
        assertEquals(List.of("first for carol", "second for carol"),
                messages.stream().map(m -> m.get("body").asText()).toList());
        Instant sentAt = Instant.parse(messages.get(0).get("sentAt").asText());
        assertTrue(!sentAt.isBefore(typed.minusSeconds(2)) && sentAt.isBefore(beforeListen),
                "sentAt is when alice sent it (" + typed + "), not when listen flushed it (after " + beforeListen
                + "): " + sentAt);
        assertFalse(prosody.storedData().contains("for carol"), "the server kept no plaintext");
    }
}
