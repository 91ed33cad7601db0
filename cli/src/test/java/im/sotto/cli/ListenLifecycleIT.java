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
 * {@code sotto listen} as a bot runs it (issue #18, section 3): stopped by Ctrl-C (SIGINT), by a service manager
 * (SIGTERM) or killed outright (SIGKILL) it leaves no session behind on the server, so a message sent right after
 * reaches the next {@code listen}, not a dead stream the server keeps hibernating for minutes (prints how long each
 * took); and a server restart is reported and survived, never met with silence.
 */
class ListenLifecycleIT {
    /** A JVM start and a login on a loaded two-core machine; the message must come with them, not minutes later. */
    private static final String NEXT_LISTEN_TIMEOUT_SECONDS = "45";

    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.plaintextLoggingDebug();

    @Test
    void aStoppedListenLeavesNoSessionBehind() throws Exception {
        stoppedListenLeavesNoSessionBehind(prosody);
        // mod_smacks logs "Session going into hibernation" for a stream it keeps for resumption (at debug level).
        assertTrue(prosody.log().contains("Enabling stream management"),
                "the server's debug log does not show stream management");
        assertTrue(prosody.log().lines().noneMatch(l -> l.contains("hibernation (not being destroyed)")),
                "the server kept a dead stream hibernating");
    }

    /**
     * SIGINT, SIGTERM and SIGKILL each end a listen; a message sent right after reaches the next listen within
     * seconds, not a dead stream the server keeps. Shared with {@link ListenLifecycleEjabberdIT}.
     */
    static void stoppedListenLeavesNoSessionBehind(PrivateServer prosody) throws Exception {
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
        System.out.println("ListenLifecycleIT on " + prosody.domain() + ": sent after the signal, read by the next "
                + "listen (ms, JVM start and login included): " + deliveredWithinMillis);
    }

    private static List<String> bodies(CliProcess.Run run) throws Exception {
        return PrivateServer.jsonLines(run.out()).stream().filter(e -> e.get("event").asText().equals("message"))
                .map(e -> e.get("body").asText()).toList();
    }

    /**
     * The server restarts under a running listen: it prints connection-lost, reconnects by itself and reports it,
     * and a message sent after the restart is still delivered to it. With --no-reconnect it exits 4 instead.
     */
    @Test
    void aServerRestartIsReportedAndSurvived() throws Exception {
        Map<String, String> alice = prosody.env("alice");
        Map<String, String> bob = prosody.env("bob");
        prosody.add("alice", alice, "--no-passphrase");
        prosody.add("bob", bob, "--no-passphrase");
        String bobJid = prosody.jid("bob");

        CliProcess.Started listening = CliProcess.start(bob, "listen", "--json", "--count", "1", "--timeout", "240");
        CliProcess.Started strict = CliProcess.start(alice, "listen", "--json", "--no-reconnect", "--timeout", "240");
        listening.awaitOutput("\"event\":\"ready\"", PrivateServer.COMMAND_TIMEOUT_SECONDS);
        strict.awaitOutput("\"event\":\"ready\"", PrivateServer.COMMAND_TIMEOUT_SECONDS);
        prosody.stop();
        listening.awaitOutput("\"event\":\"connection-lost\"", 60);
        CliProcess.Run strictRun = strict.finish(60);
        assertEquals(ExitCode.CONNECTION, strictRun.exit(), strictRun.toString());
        assertTrue(strictRun.out().contains("\"event\":\"connection-lost\""), strictRun.toString());

        prosody.restart();
        listening.awaitOutput("\"event\":\"reconnected\"", 120);
        String text = "after the restart";
        prosody.ok(alice, "send", bobJid, text);
        CliProcess.Run run = listening.finish(120);
        assertEquals(0, run.exit(), run.toString());
        assertEquals(List.of(text), bodies(run));
    }
}
