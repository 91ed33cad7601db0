package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue #19, own devices in every conversation (docs/protocol.md 7.9), on a server with message carbons: alice has a
 * phone and a laptop linked with {@code account link} / {@code devices approve}, bob a desktop. Whatever any of the
 * three sends reaches the two others exactly once, in order, marked "yours" on the sender's other device and as the
 * sender's everywhere else, with nothing undecryptable; a note to self reaches the other device; the server's store
 * holds none of the texts. Bob writes first, so his first messages start sessions with both of alice's devices (a
 * contact whose sessions predate a link reaches the new device once it has written to that contact: protocol.md 7.9).
 */
class OwnDevicesIT {
    private static final Pattern CODE = Pattern.compile("Link code: ([0-9A-Z]{4}-[0-9A-Z]{4})");
    private static final String LISTEN_SECONDS = "120";

    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.withCarbons(false);

    /** One device: its environment and the account it belongs to. */
    private record Device(String name, String user, Map<String, String> env) {
    }

    @Test
    void everyMessageFromAnyDeviceReachesTheOthersOnceMarkedByWhoSentIt() throws Exception {
        runThreeDevices(prosody);
    }

    static void runThreeDevices(PrivateServer server) throws Exception {
        Device phone = new Device("alice-phone", "alice", server.env("alice"));
        server.add("alice");
        Device laptop = new Device("alice-laptop", "alice", link(server, "alice", "alice-laptop"));
        Device desktop = new Device("bob-desktop", "bob", server.env("bob"));
        server.add("bob");
        List<Device> all = List.of(phone, laptop, desktop);
        for (Device device : all) {
            // First run of each device: its archive position, and its sessions with its account's other device.
            server.ok(device.env(), "listen", "--json", "--timeout", "5");
        }
        List<String> sent = new ArrayList<>();
        // Each device in turn writes two messages (bob first, and again last); the others listen.
        for (Device writer : List.of(desktop, phone, laptop, desktop)) {
            String to = writer.user().equals("alice") ? "bob" : "alice";
            List<String> bodies = List.of("first from " + writer.name() + " " + sent.size(),
                    "second from " + writer.name() + " " + sent.size());
            Map<Device, CliProcess.Started> listeners = new LinkedHashMap<>();
            for (Device other : all) {
                if (other != writer) {
                    CliProcess.Started listening = CliProcess.start(other.env(), "listen", "--json", "--count", "2",
                            "--timeout", LISTEN_SECONDS);
                    listening.awaitOutput("\"event\":\"ready\"", PrivateServer.COMMAND_TIMEOUT_SECONDS);
                    listeners.put(other, listening);
                }
            }
            for (String body : bodies) {
                server.ok(writer.env(), "send", server.jid(to), body);
                sent.add(body);
            }
            for (Map.Entry<Device, CliProcess.Started> entry : listeners.entrySet()) {
                Device reader = entry.getKey();
                CliProcess.Run run = entry.getValue().finish(PrivateServer.COMMAND_TIMEOUT_SECONDS);
                assertEquals(0, run.exit(), reader.name() + " reading " + writer.name() + ": " + run);
                List<JsonNode> events = PrivateServer.jsonLines(run.out());
                List<JsonNode> messages = events.stream().filter(e -> e.get("event").asText().equals("message"))
                        .toList();
                assertEquals(bodies, messages.stream().map(e -> e.get("body").asText()).toList(),
                        reader.name() + " reading " + writer.name() + ": exactly once, in order: " + run);
                boolean sameAccount = reader.user().equals(writer.user());
                for (JsonNode message : messages) {
                    assertTrue(message.get("from").asText().startsWith(server.jid(writer.user()) + "/"),
                            message.toString());
                    assertEquals(sameAccount, message.has("yours") && message.get("yours").asBoolean(),
                            reader.name() + " reading " + writer.name() + ": " + message);
                    if (sameAccount) {
                        assertEquals(server.jid(to), message.get("to").asText(), message.toString());
                    }
                }
                assertFalse(events.stream().anyMatch(e -> e.get("event").asText().equals("undecryptable")),
                        reader.name() + " reading " + writer.name() + ": nothing undecryptable: " + run);
            }
        }

        // A note to self from the laptop reaches the phone, as the user's own line.
        CliProcess.Started phoneListening = CliProcess.start(phone.env(), "listen", "--json", "--count", "1",
                "--timeout", LISTEN_SECONDS);
        phoneListening.awaitOutput("\"event\":\"ready\"", PrivateServer.COMMAND_TIMEOUT_SECONDS);
        CliProcess.Run note = server.ok(laptop.env(), "send", server.jid("alice"), "remember the milk");
        assertFalse(note.out().contains("TAMPERED") || note.err().contains("TAMPERED"), note.toString());
        sent.add("remember the milk");
        CliProcess.Run noted = phoneListening.finish(PrivateServer.COMMAND_TIMEOUT_SECONDS);
        List<JsonNode> events = PrivateServer.jsonLines(noted.out());
        JsonNode message = events.stream().filter(e -> e.get("event").asText().equals("message")).findFirst()
                .orElseThrow(() -> new AssertionError(noted.toString()));
        assertEquals("remember the milk", message.get("body").asText());
        assertTrue(message.get("yours").asBoolean(), message.toString());
        assertEquals(server.jid("alice"), message.get("to").asText(), message.toString());
        assertFalse(noted.out().contains("TAMPERED") || noted.out().contains("undecryptable"), noted.toString());

        // Nothing was copied in the clear: no text is in the server's store (offline storage, archive).
        String stored = server.storedData();
        for (String body : sent) {
            assertFalse(stored.contains(body), "the server stored \"" + body + "\" in the clear");
        }
    }

    /** {@code sotto account link} in a new home, approved by the account's first device; the new device's env. */
    static Map<String, String> link(PrivateServer server, String user, String home) throws Exception {
        return link(server, server.env(user), user, home);
    }

    /** As above, approved by the device whose environment is {@code approver}. */
    static Map<String, String> link(PrivateServer server, Map<String, String> approver, String user, String home)
            throws Exception {
        Map<String, String> env = server.env(home, user);
        CliProcess.Started link = CliProcess.start(env, "account", "link", server.jid(user), "--no-passphrase",
                "--server", server.server(), "--insecure-loopback");
        link.awaitOutput("Link code: ", 60);
        Matcher m = CODE.matcher(link.outputSoFar());
        assertTrue(m.find(), link.outputSoFar());
        server.ok(approver, "devices", "approve", m.group(1));
        CliProcess.Run linked = link.finish(PrivateServer.COMMAND_TIMEOUT_SECONDS);
        assertEquals(0, linked.exit(), linked.toString());
        return env;
    }
}
