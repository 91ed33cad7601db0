package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

/**
 * The README's first command, run as a user runs it: {@code ./sotto demo --json} through the launcher (the jar is
 * fresh from this build, so the launcher only starts it) on a private Prosody it starts and stops itself.
 */
class DemoIT {
    @Test
    void demoJsonReportsEveryStepPassed() throws Exception {
        CliProcess.Run run = CliProcess.run(List.of("bash", CliProcess.LAUNCHER.toString(), "demo", "--json"),
                Map.of(), null, 600);
        JsonNode report = new ObjectMapper().readTree(run.out());
        List<String> failed = new ArrayList<>();
        for (JsonNode step : report.get("steps")) {
            for (JsonNode check : step.get("checks")) {
                if (!check.get("passed").asBoolean()) {
                    failed.add(step.get("title").asText() + ": " + check.get("name").asText() + " ("
                            + check.get("detail").asText() + ")");
                }
            }
            assertTrue(step.get("millis").asLong() >= 0);
            assertTrue(step.get("bytesToServer").asInt() > 0, "every step put bytes on the wire");
        }
        assertEquals(List.of(), failed, run.toString());
        assertEquals(0, run.exit(), run.toString());
        assertTrue(report.get("passed").asBoolean());
        assertTrue(report.get("privateServer").asBoolean());
        assertTrue(report.get("error").isNull(), run.toString());

        List<String> titles = new ArrayList<>();
        report.get("steps").forEach(s -> titles.add(s.get("title").asText()));
        assertEquals(8, titles.size(), titles.toString());
        for (String expected : List.of("online handshake", "a message bob → alice", "a directed presence alice → bob",
                "a directed presence bob → alice", "an iq round trip alice → bob → alice",
                "an iq round trip bob → alice → bob", "bob offline", "replay")) {
            assertTrue(titles.stream().anyMatch(t -> t.contains(expected)), expected + " missing from " + titles);
        }

        JsonNode sas = report.get("sas");
        assertTrue(sas.get("alice").asText().matches("[0-9A-Z]{8}"), sas.toString());
        assertEquals(sas.get("alice").asText(), sas.get("bob").asText());
        assertTrue(sas.get("equal").asBoolean());

        JsonNode handshake = report.get("steps").get(0);
        assertEquals(5, handshake.get("stanzas").asInt(),
                "handshake in 3, bob's confirmation, then the message (content waits for the confirmation)");
        JsonNode offline = report.get("steps").get(6);
        assertTrue(offline.get("storedBytes").asInt() > 0, "the offline step read Prosody's offline storage");
        assertTrue(offline.get("serverSaw").toString().contains("offline storage"));
    }

    @Test
    void demoTextShowsBothColumnsAndStopsItsServer() throws Exception {
        CliProcess.Run run = CliProcess.run(Map.of(), null, 600, "demo");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("bob read"), run.out());
        assertTrue(run.out().contains("│ the server saw"), run.out());
        assertTrue(run.out().contains("offline storage"), run.out());
        assertTrue(run.out().contains("✓ rejected as a DUPLICATE"), run.out());
        assertTrue(run.out().matches("(?s).*PASSED: (\\d+) of \\1 checks passed in 8 steps.*"), run.out());
        assertTrue(run.err().contains("Starting a private Prosody"), run.err());
        String port = run.out().replaceAll("(?s).*private Prosody at 127\\.0\\.0\\.1:(\\d+).*", "$1");
        assertFalse(portOpen(Integer.parseInt(port)), "the demo's Prosody still listens on " + port);
    }

    /**
     * {@code --server} mode as a user with two accounts on an existing server runs it: a Prosody that requires TLS
     * with a self-signed certificate, trusted with {@code --server-cert}; passwords from the environment.
     */
    @Test
    void demoAgainstAnExistingTlsServerPasses() throws Exception {
        try (Prosody existing = new Prosody(true)) {
            CliProcess.Run run = CliProcess.run(Map.of("SOTTO_ALICE_PASSWORD", existing.password("alice"),
                    "SOTTO_BOB_PASSWORD", existing.password("bob")), null, 600, "demo", "--json",
                    "--server", existing.server(), "--server-cert", existing.cert().toString(),
                    "--alice", existing.jid("alice"), "--bob", existing.jid("bob"));
            JsonNode report = new ObjectMapper().readTree(run.out());
            assertEquals(0, run.exit(), run.toString());
            assertTrue(report.get("passed").asBoolean(), run.toString());
            assertFalse(report.get("privateServer").asBoolean());
            assertTrue(report.get("sas").get("equal").asBoolean());
            assertTrue(existing.log().contains("Stream encrypted (TLSv1."), "the demo used TLS");
            assertFalse(run.out().contains(existing.password("alice")), "no password in the report");
        }
    }

    private static boolean portOpen(int port) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
