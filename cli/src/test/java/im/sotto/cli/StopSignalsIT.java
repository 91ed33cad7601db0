package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A {@code sotto listen} stopped by Ctrl-C (SIGINT), by a service manager (SIGTERM) or killed outright (SIGKILL)
 * leaves no session behind on the server: a message sent right after reaches the next {@code listen}, not a dead
 * stream that the server keeps hibernating for minutes (issue #18, section 3). Prints how long each took.
 */
class StopSignalsIT {
    /** A JVM start and a login on a loaded two-core machine; the message must come with them, not minutes later. */
    private static final String NEXT_LISTEN_TIMEOUT_SECONDS = "45";

    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.plaintextLoggingDebug();

    @Test
    void aStoppedListenLeavesNoSessionBehind() throws Exception {
        Map<String, String> alice = prosody.env("alice");
        Map<String, String> bob = prosody.env("bob");
        prosody.add("alice", alice, "--no-passphrase");
        prosody.add("bob", bob, "--no-passphrase");
        String bobJid = prosody.jid("bob");
        prosody.ok(alice, "send", bobJid, "warm up");
        assertEquals(List.of("warm up"), bodies(prosody.ok(bob, "listen", "--json", "--count", "1", "--timeout",
                NEXT_LISTEN_TIMEOUT_SECONDS)));

        Map<String, Long> deliveredWithinMillis = new LinkedHashMap<>();
        for (String signal : List.of("INT", "TERM", "KILL")) {
            CliProcess.Started listening = CliProcess.start(bob, "listen", "--json");
            listening.awaitOutput("\"event\":\"ready\"", PrivateServer.COMMAND_TIMEOUT_SECONDS);
            listening.signal(signal);
            CliProcess.Run stopped = listening.finish(60);
            assertFalse(stopped.err().contains("Exception"), stopped.toString());

            String text = "sent right after SIG" + signal;
            long sentAt = System.nanoTime();
            prosody.ok(alice, "send", bobJid, text);
            CliProcess.Run next = prosody.sotto(bob, "listen", "--json", "--count", "1", "--timeout",
                    NEXT_LISTEN_TIMEOUT_SECONDS);
            long tookMillis = (System.nanoTime() - sentAt) / 1_000_000;
            assertEquals(0, next.exit(), "after SIG" + signal + " the message did not reach the next listen: " + next);
            assertEquals(List.of(text), bodies(next));
            deliveredWithinMillis.put(signal, tookMillis);
        }
        System.out.println("StopSignalsIT: sent after the signal, read by the next listen (ms, JVM start and login "
                + "included): " + deliveredWithinMillis);
        // mod_smacks logs "Session going into hibernation" for a stream it keeps for resumption (at debug level).
        assertTrue(prosody.log().contains("Enabling stream management"),
                "the server's debug log does not show stream management");
        assertTrue(prosody.log().lines().noneMatch(l -> l.contains("hibernation (not being destroyed)")),
                "the server kept a dead stream hibernating");
    }

    private static List<String> bodies(CliProcess.Run run) throws Exception {
        return PrivateServer.jsonLines(run.out()).stream().filter(e -> e.get("event").asText().equals("message"))
                .map(e -> e.get("body").asText()).toList();
    }
}
