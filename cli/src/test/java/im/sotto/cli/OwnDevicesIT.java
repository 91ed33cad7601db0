package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue #19, own devices in every conversation (docs/protocol.md 7.9), on a server with message carbons. Alice's phone
 * and bob's desktop write to each other first; only then does alice link a laptop ({@code account link} /
 * {@code devices approve}) and bob a laptop too, so every session between the accounts predates the links. Whatever
 * any device then sends reaches all the others exactly once, in order, marked "yours" on the sender's other device
 * and as the sender's everywhere else, with nothing undecryptable (no
 * {@code NO_SESSION} on a new device): the writer's client finds the contact's new device in its device list and
 * starts a session with it in the same stanza. A note to self reaches the other device; the server's store holds
 * none of the texts.
 */
class OwnDevicesIT {
    private static final Pattern CODE = Pattern.compile("Link code: ([0-9A-Z]{4}-[0-9A-Z]{4})");
    private static final String LISTEN_SECONDS = "120";
    /** A chat wide enough for a history line not to wrap, high enough for the lines since the link. */
    private static final int HISTORY_WIDTH = 220;
    private static final int HISTORY_HEIGHT = 40;

    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.withCarbons(false);

    /** One device: its environment and the account it belongs to. */
    private record Device(String name, String user, Map<String, String> env) {
    }

    /** The test: alice with two devices, bob with two, both second devices linked after the sessions. */
    @Test
    void everyMessageFromAnyOfFourDevicesReachesTheOtherThreeOnceMarkedByWhoSentIt() throws Exception {
        runDevices(prosody);
    }

    /**
     * Carol's two devices race on the server: just after the laptop is linked, before either has written to dave (no
     * session between the accounts), both devices are online ({@code listen}) and both send to dave at the same
     * moment ({@code send}, handed to each device's listen). Each device reads dave's device list, fetches his bundle
     * and sends a first message at once, so dave's device gets two first messages from one account together, and
     * each of carol's devices the copy of a message that crossed its own. Sound: dave reads both exactly once, each
     * carol device shows the other's as its own, dave's answer reaches both, nothing is undecryptable anywhere and
     * no text is in the server's store.
     */
    @Test
    void twoOwnDevicesWritingFirstAtTheSameMomentAreBothReadAndHearTheAnswer() throws Exception {
        Device phone = new Device("carol-phone", "carol", prosody.env("carol"));
        prosody.add("carol");
        Device dave = new Device("dave", "dave", prosody.env("dave"));
        prosody.add("dave");
        prosody.ok(dave.env(), "listen", "--json", "--timeout", "5");
        Device laptop = new Device("carol-laptop", "carol", link(prosody, "carol", "carol-laptop"));

        Map<Device, CliProcess.Started> listening = new LinkedHashMap<>();
        for (Device device : List.of(dave, phone, laptop)) {
            CliProcess.Started listen = CliProcess.start(device.env(), "listen", "--json", "--count", "2",
                    "--timeout", LISTEN_SECONDS);
            listen.awaitOutput("\"event\":\"ready\"", PrivateServer.COMMAND_TIMEOUT_SECONDS);
            listening.put(device, listen);
        }
        Map<Device, CliProcess.Started> sending = new LinkedHashMap<>();
        for (Device device : List.of(phone, laptop)) {
            sending.put(device, CliProcess.start(device.env(), "send", prosody.jid("dave"), "at once from "
                    + device.name()));
        }
        for (Map.Entry<Device, CliProcess.Started> send : sending.entrySet()) {
            CliProcess.Run run = send.getValue().finish(PrivateServer.COMMAND_TIMEOUT_SECONDS);
            assertEquals(0, run.exit(), send.getKey().name() + ": " + run);
        }
        CliProcess.Run daveRead = listening.remove(dave).finish(PrivateServer.COMMAND_TIMEOUT_SECONDS);
        assertEquals(0, daveRead.exit(), daveRead.toString());
        assertEquals(Set.of("at once from carol-phone", "at once from carol-laptop"), Set.copyOf(
                bodiesOnce(daveRead, "dave")), daveRead.toString());

        // Each of carol's devices: the other's line as its own, and dave's answer, which reaches both.
        prosody.ok(dave.env(), "send", prosody.jid("carol"), "got both");
        for (Map.Entry<Device, CliProcess.Started> entry : listening.entrySet()) {
            Device device = entry.getKey();
            Device other = device == phone ? laptop : phone;
            CliProcess.Run run = entry.getValue().finish(PrivateServer.COMMAND_TIMEOUT_SECONDS);
            assertEquals(0, run.exit(), device.name() + ": " + run);
            assertEquals(Set.of("at once from " + other.name(), "got both"), Set.copyOf(bodiesOnce(run,
                    device.name())), run.toString());
            for (JsonNode message : messages(run)) {
                assertEquals(message.get("body").asText().startsWith("at once"), message.has("yours")
                        && message.get("yours").asBoolean(), device.name() + ": " + message);
            }
        }
        String stored = prosody.storedData();
        for (String body : List.of("at once from carol-phone", "at once from carol-laptop", "got both")) {
            assertFalse(stored.contains(body), "the server stored \"" + body + "\" in the clear");
        }
    }

    /** The bodies of {@code run}'s message events, each required once, with nothing undecryptable. */
    private static List<String> bodiesOnce(CliProcess.Run run, String reader) throws Exception {
        List<String> bodies = messages(run).stream().map(e -> e.get("body").asText()).toList();
        assertEquals(Set.copyOf(bodies).size(), bodies.size(), reader + ": each once: " + run);
        assertFalse(PrivateServer.jsonLines(run.out()).stream().anyMatch(e -> e.get("event").asText()
                .equals("undecryptable")), reader + ": nothing undecryptable: " + run);
        return bodies;
    }

    private static List<JsonNode> messages(CliProcess.Run run) throws Exception {
        return PrivateServer.jsonLines(run.out()).stream().filter(e -> e.get("event").asText().equals("message"))
                .toList();
    }

    /** The scenario above on {@code server} (a Prosody or an ejabberd with carbons). */
    static void runDevices(PrivateServer server) throws Exception {
        Device phone = new Device("alice-phone", "alice", server.env("alice"));
        server.add("alice");
        Device desktop = new Device("bob-desktop", "bob", server.env("bob"));
        server.add("bob");
        for (Device device : List.of(phone, desktop)) {
            server.ok(device.env(), "listen", "--json", "--timeout", "5");
        }
        List<String> sent = new ArrayList<>();
        // Sessions between the accounts before any second device exists: bob writes, alice answers.
        exchange(server, desktop, List.of(phone), "bob before the links", sent);
        exchange(server, phone, List.of(desktop), "alice before the links", sent);

        Device laptop = new Device("alice-laptop", "alice", link(server, "alice", "alice-laptop"));
        Device bobLaptop = new Device("bob-laptop", "bob", link(server, desktop.env(), "bob", "bob-laptop"));
        List<Device> all = List.of(laptop, phone, desktop, bobLaptop);
        List<Device> writers = List.of(desktop, phone, laptop, bobLaptop);
        for (Device device : all) {
            // A run of each device after the links: the new ones' archive positions, then their setups read by the
            // devices that approved them, so that the first copies find their sessions.
            server.ok(device.env(), "listen", "--json", "--timeout", "5");
        }
        // Each device in turn writes two messages, bob's desktop first: its sessions with alice predate both links.
        for (Device writer : writers) {
            List<Device> readers = all.stream().filter(d -> d != writer).toList();
            List<String> bodies = List.of("first from " + writer.name() + " " + sent.size(),
                    "second from " + writer.name() + " " + sent.size());
            roundOf(server, writer, readers, bodies, sent);
        }
        sameHistoryInChat(server, phone, laptop, sent.subList(2, sent.size()));
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

    /**
     * Both of alice's devices open {@code sotto chat bob} and show, in the history it prints from the encrypted log
     * before it logs in, the same lines for everything since the laptop was linked ({@code sinceLink}, in the order
     * sent): the same senders, "me" for what either of her devices sent, the same bodies and marks, in the same order.
     * The time at the start of each line is left out (each device logs a received line when it reads it).
     */
    private static void sameHistoryInChat(PrivateServer server, Device phone, Device laptop, List<String> sinceLink)
            throws Exception {
        Map<Device, List<String>> shown = new LinkedHashMap<>();
        try (Tmux tmux = new Tmux(server.temp())) {
            for (Device device : List.of(phone, laptop)) {
                tmux.start(device.name(), HISTORY_WIDTH, HISTORY_HEIGHT, device.env(),
                        CliProcess.javaCommand("chat", server.jid("bob")));
            }
            for (Device device : List.of(phone, laptop)) {
                String screen = tmux.await(device.name(), Duration.ofSeconds(PrivateServer.COMMAND_TIMEOUT_SECONDS),
                        "the history", s -> s.contains("-- now --"));
                List<String> rows = screen.lines().toList();
                int start = rows.indexOf(rows.stream().filter(r -> r.startsWith("-- the last ")).findFirst()
                        .orElseThrow(() -> new AssertionError(device.name() + ": no history:\n" + screen)));
                shown.put(device, rows.subList(start + 1, rows.indexOf("-- now --")).stream()
                        .map(r -> r.replaceFirst("^(\\d{4}-\\d\\d-\\d\\d )?\\d\\d:\\d\\d:\\d\\d ", ""))
                        .toList());
            }
        }
        List<String> onLaptop = shown.get(laptop);
        List<String> onPhone = shown.get(phone);
        String both = "phone:\n" + String.join("\n", onPhone) + "\nlaptop:\n" + String.join("\n", onLaptop);
        assertEquals(sinceLink, onLaptop.stream().map(l -> l.replaceFirst("^(me|\\[[^]]*\\] \\S+): ", "")
                .replaceFirst("  \u2713$", "")).toList(), "the laptop's history since the link, in order: " + both);
        assertTrue(onPhone.size() >= onLaptop.size(), both);
        assertEquals(onPhone.subList(onPhone.size() - onLaptop.size(), onPhone.size()), onLaptop, both);
    }

    /** One message from {@code writer} to the other account, read by {@code readers}. */
    private static void exchange(PrivateServer server, Device writer, List<Device> readers, String body,
            List<String> sent) throws Exception {
        roundOf(server, writer, readers, List.of(body), sent);
    }

    /**
     * {@code writer} sends {@code bodies} to the other account while {@code readers} listen: each reader shows each
     * body exactly once, in order, from the writer, marked yours on the writer's account, and nothing undecryptable.
     */
    private static void roundOf(PrivateServer server, Device writer, List<Device> readers, List<String> bodies,
            List<String> sent) throws Exception {
        String to = writer.user().equals("alice") ? "bob" : "alice";
        Map<Device, CliProcess.Started> listeners = new LinkedHashMap<>();
        for (Device reader : readers) {
            CliProcess.Started listening = CliProcess.start(reader.env(), "listen", "--json", "--count",
                    String.valueOf(bodies.size()), "--timeout", LISTEN_SECONDS);
            listening.awaitOutput("\"event\":\"ready\"", PrivateServer.COMMAND_TIMEOUT_SECONDS);
            listeners.put(reader, listening);
        }
        for (String body : bodies) {
            CliProcess.Run send = server.ok(writer.env(), "send", server.jid(to), body);
            assertFalse((send.out() + send.err()).contains("NO_SESSION"), send.toString());
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
