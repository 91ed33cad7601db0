package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.link.LinkApprover;
import im.sotto.protocol.link.LinkCode;
import im.sotto.protocol.link.LinkException;
import im.sotto.protocol.link.LinkFailure;
import im.sotto.xmpp.link.LinkChannel;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Issue #19, first part: a second device joins the account with {@code account link} and {@code devices approve}
 * (docs/protocol.md 12) instead of making a second account key; {@code account add} on a second home is refused.
 */
class LinkDevicesIT {
    private static final Pattern CODE = Pattern.compile("Link code: ([0-9A-Z]{4}-[0-9A-Z]{4})");
    private static final Pattern DEVICES = Pattern.compile("Server: +device list \\[([0-9, ]+)]");

    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.plaintext();

    @Test
    void aLinkedDeviceSharesTheAccountKeyAndAVerifiedContactSeesANewDeviceNotAKeyChange() throws Exception {
        Map<String, String> alice = prosody.env("alice");
        Map<String, String> bob = prosody.env("bob");
        CliProcess.Run added = prosody.add("alice");
        String fingerprint = fingerprint(added);
        Matcher first = Pattern.compile("\\(device (\\d+)\\)").matcher(added.out());
        assertTrue(first.find(), added.out());
        prosody.add("bob");
        prosody.ok(alice, "send", prosody.jid("bob"), "hello", "bob");
        prosody.ok(bob, "listen", "--json", "--count", "1", "--timeout", "30");
        prosody.ok(bob, "trust", prosody.jid("alice"));

        Map<String, String> laptop = prosody.env("alice-laptop", "alice");
        CliProcess.Started link = startLink(laptop);
        String code = awaitCode(link);
        CliProcess.Run approved = prosody.ok(alice, "devices", "approve", code);
        CliProcess.Run linked = link.finish(PrivateServer.COMMAND_TIMEOUT_SECONDS);
        assertEquals(0, linked.exit(), linked.toString());
        Matcher device = Pattern.compile("Linked " + Pattern.quote(prosody.jid("alice")) + " \\(device (\\d+)\\)")
                .matcher(linked.out());
        assertTrue(device.find(), linked.out());
        long laptopId = Long.parseLong(device.group(1));
        assertTrue(approved.out().startsWith("Approved device " + laptopId + " "), approved.out());
        assertEquals(fingerprint, fingerprint(linked), "one account key on both devices");

        // Both devices in the account's one device list (with those of earlier tests: the server outlives them).
        List<String> listed = listedDevices(prosody.ok(laptop, "status"));
        assertTrue(listed.contains(Long.toString(laptopId)) && listed.contains(first.group(1)), listed.toString());

        // Bob verified alice: the laptop is a new device of the same account awaiting his approval, no key change.
        prosody.ok(laptop, "send", prosody.jid("bob"), "from", "my", "laptop");
        List<JsonNode> events = PrivateServer.jsonLines(prosody.ok(bob, "listen", "--json", "--count", "1",
                "--timeout", "30").out());
        JsonNode message = events.stream().filter(e -> e.get("event").asText().equals("message")).findFirst()
                .orElseThrow(() -> new AssertionError(events.toString()));
        assertEquals("from my laptop", message.get("body").asText());
        assertEquals("VERIFIED", message.get("trust").asText());
        assertEquals(laptopId, message.get("device").asLong());
        assertTrue(events.stream().anyMatch(e -> e.get("event").asText().equals("device-needs-approval")
                && e.get("device").asLong() == laptopId), events.toString());
        assertFalse(events.stream().anyMatch(e -> e.get("event").asText().equals("key-changed")), events.toString());
        String devices = prosody.ok(bob, "devices", prosody.jid("alice")).out();
        assertTrue(devices.lines().anyMatch(l -> l.matches(laptopId + " +AWAITING APPROVAL .*")), devices);
        assertTrue(devices.contains("Trust: VERIFIED"), devices);
    }

    @Test
    void aWrongCodeLinksNothingOnEitherDevice() throws Exception {
        Map<String, String> alice = prosody.env("alice");
        prosody.add("alice");
        List<String> before = listedDevices(prosody.ok(alice, "status"));

        Map<String, String> laptop = prosody.env("alice-laptop", "alice");
        CliProcess.Started link = startLink(laptop);
        String code = awaitCode(link);
        String typo = code.substring(0, 8) + (code.endsWith("7") ? "8" : "7");
        CliProcess.Run refused = prosody.sotto(alice, "devices", "approve", "--code", typo);
        assertEquals(ExitCode.NOT_LINKED, refused.exit(), refused.toString());
        assertTrue(CliProcess.oneLineError(refused).contains("the code did not match"), refused.toString());
        CliProcess.Run notLinked = link.finish(PrivateServer.COMMAND_TIMEOUT_SECONDS);
        assertEquals(ExitCode.NOT_LINKED, notLinked.exit(), notLinked.toString());
        assertTrue(CliProcess.oneLineError(notLinked).contains("the approving device says the code did not match"),
                notLinked.toString());

        assertFalse(Files.exists(store(laptop)), "no store, no key in the laptop's home");
        assertEquals(before, listedDevices(prosody.ok(alice, "status")), "no new device in the published list");
        // The right code cannot be used either now: the attempt is over and the laptop stopped waiting.
        CliProcess.Run late = prosody.sotto(alice, "devices", "approve", code, "--timeout", "10");
        assertEquals(ExitCode.NOT_LINKED, late.exit(), late.toString());
    }

    @Test
    void accountAddOnASecondHomeIsRefusedWithTheLinkHint() throws Exception {
        prosody.add("alice");
        Map<String, String> laptop = prosody.env("alice-laptop", "alice");
        CliProcess.Run refused = prosody.sotto(laptop, "account", "add", prosody.jid("alice"), "--no-passphrase",
                "--server", prosody.server(), "--insecure-loopback");
        assertEquals(ExitCode.OTHER_ACCOUNT_KEY, refused.exit(), refused.toString());
        String error = CliProcess.oneLineError(refused);
        assertTrue(error.contains("under another account key") && error.contains("sotto account link "
                + prosody.jid("alice")) && error.contains("--new-account-key"), error);
        assertFalse(Files.exists(store(laptop)), "nothing created");

        CliProcess.Run replaced = prosody.ok(laptop, "account", "add", prosody.jid("alice"), "--no-passphrase",
                "--server", prosody.server(), "--insecure-loopback", "--new-account-key");
        assertTrue(replaced.err().contains("every contact will see a key change"), replaced.err());
    }

    /**
     * The server (it can log in as alice) puts a device of its own in the approver's place: it answers the waiting
     * laptop with a guessed code, learns from the laptop's key confirmation that the guess was wrong, and sends a
     * forged grant anyway. The laptop refuses it: nothing linked, no store, no new device in the list.
     */
    @Test
    void aDeviceOfTheServersOwnCannotApproveTheNewDevice() throws Exception {
        Map<String, String> alice = prosody.env("alice");
        prosody.add("alice");
        List<String> before = listedDevices(prosody.ok(alice, "status"));
        Map<String, String> laptop = prosody.env("alice-laptop", "alice");
        CliProcess.Started link = startLink(laptop);
        String code = awaitCode(link);

        EntityBareJid jid = JidCreate.entityBareFrom(prosody.jid("alice"));
        Connector.Transport transport = new Connector.Transport(Optional.of(ServerAddress.parse(prosody.server())),
                Optional.empty(), true);
        XMPPTCPConnection rogue = Connector.connection(jid, prosody.password("alice").toCharArray(), "rogue",
                transport, false);
        Connector.connectAndLogin(rogue, jid, transport);
        SecureRandom random = new SecureRandom();
        AccountIdentity roguesKey = AccountIdentity.generate(random);
        DeviceIdentity roguesDevice = DeviceIdentity.create(roguesKey, Set.of(1), Set.of(1, 2), random,
                Clock.systemUTC());
        LinkApprover approver = LinkApprover.start(roguesKey, roguesDevice.certificate(), jid.toString(),
                LinkCode.parse(code.substring(0, 8) + (code.endsWith("7") ? "8" : "7")), random);
        BlockingQueue<LinkChannel.Incoming> inbox = new LinkedBlockingQueue<>();
        CompletableFuture<EntityFullJid> waiting = new CompletableFuture<>();
        try (LinkChannel channel = LinkChannel.open(rogue, inbox::add, waiting::complete)) {
            channel.announce(false);
            EntityFullJid newDevice = waiting.get(30, TimeUnit.SECONDS);
            byte[] offer = approver.offer();
            channel.send(newDevice, offer);
            LinkChannel.Incoming accept = inbox.poll(30, TimeUnit.SECONDS);
            assertTrue(accept != null, "the laptop answered the offer");
            LinkException wrong = assertThrows(LinkException.class, () -> approver.handle(accept.message(),
                    Instant.now()));
            assertEquals(LinkFailure.WRONG_CODE, wrong.failure(), "the rogue's guess is found out");
            // version 1, type 3 (grant), the offer's session id, a 60-byte box the rogue cannot make right.
            byte[] forged = new byte[2 + 16 + 2 + 60];
            random.nextBytes(forged);
            forged[0] = 1;
            forged[1] = 3;
            System.arraycopy(offer, 2, forged, 2, 16);
            forged[18] = 0;
            forged[19] = 60;
            channel.send(newDevice, forged);
        } finally {
            rogue.disconnect();
        }
        CliProcess.Run refused = link.finish(PrivateServer.COMMAND_TIMEOUT_SECONDS);
        assertEquals(ExitCode.NOT_LINKED, refused.exit(), refused.toString());
        assertTrue(CliProcess.oneLineError(refused).contains("the code did not match"), refused.toString());
        assertFalse(Files.exists(store(laptop)), "no store, no key in the laptop's home");
        assertEquals(before, listedDevices(prosody.ok(alice, "status")), "no new device in the published list");
    }

    @Test
    void linkingAnAccountWithoutSottoSaysToAddItAndCreatesNothing() throws Exception {
        Map<String, String> carol = prosody.env("carol");
        CliProcess.Run refused = prosody.sotto(carol, "account", "link", prosody.jid("carol"), "--no-passphrase",
                "--server", prosody.server(), "--insecure-loopback");
        assertEquals(ExitCode.NOT_LINKED, refused.exit(), refused.toString());
        assertTrue(CliProcess.oneLineError(refused).contains("run sotto account add " + prosody.jid("carol")),
                refused.toString());
        assertFalse(refused.out().contains("Link code"), refused.toString());
        assertFalse(Files.exists(Path.of(carol.get("SOTTO_HOME")).resolve(prosody.jid("carol"))), "nothing created");
    }

    private static CliProcess.Started startLink(Map<String, String> env) throws Exception {
        return startLink(prosody, env);
    }

    private static CliProcess.Started startLink(PrivateServer server, Map<String, String> env) throws Exception {
        return CliProcess.start(env, "account", "link", server.jid("alice"), "--no-passphrase", "--server",
                server.server(), "--insecure-loopback");
    }

    private static String awaitCode(CliProcess.Started link) throws Exception {
        link.awaitOutput("Link code: ", 60);
        Matcher m = CODE.matcher(link.outputSoFar());
        assertTrue(m.find(), link.outputSoFar());
        return m.group(1);
    }

    private static String fingerprint(CliProcess.Run run) {
        return run.out().lines().filter(l -> l.startsWith("Fingerprint: ")).findFirst()
                .orElseThrow(() -> new AssertionError(run.toString()));
    }

    private static List<String> listedDevices(CliProcess.Run status) {
        Matcher m = DEVICES.matcher(status.out());
        assertTrue(m.find(), status.out());
        return List.of(m.group(1).split(", *"));
    }

    private static Path store(Map<String, String> env) {
        return store(prosody, env);
    }

    private static Path store(PrivateServer server, Map<String, String> env) {
        return Path.of(env.get("SOTTO_HOME")).resolve(server.jid("alice")).resolve(Accounts.STORE);
    }

    /**
     * For another server ({@link LinkDevicesEjabberdIT}): account add on a second home is refused, a wrong code
     * links nothing, the right one links a device of the same account key.
     */
    static void refusedThenWrongThenRightCode(PrivateServer server) throws Exception {
        Map<String, String> alice = server.env("alice");
        String fingerprint = fingerprint(server.add("alice"));
        Map<String, String> laptop = server.env("alice-laptop", "alice");
        CliProcess.Run refused = server.sotto(laptop, "account", "add", server.jid("alice"), "--no-passphrase",
                "--server", server.server(), "--insecure-loopback");
        assertEquals(ExitCode.OTHER_ACCOUNT_KEY, refused.exit(), refused.toString());

        CliProcess.Started wrong = startLink(server, laptop);
        String code = awaitCode(wrong);
        String typo = code.substring(0, 8) + (code.endsWith("7") ? "8" : "7");
        assertEquals(ExitCode.NOT_LINKED, server.sotto(alice, "devices", "approve", typo).exit());
        assertEquals(ExitCode.NOT_LINKED, wrong.finish(PrivateServer.COMMAND_TIMEOUT_SECONDS).exit());
        assertFalse(Files.exists(store(server, laptop)));

        CliProcess.Started right = startLink(server, laptop);
        server.ok(alice, "devices", "approve", "--code", awaitCode(right));
        CliProcess.Run linked = right.finish(PrivateServer.COMMAND_TIMEOUT_SECONDS);
        assertEquals(0, linked.exit(), linked.toString());
        assertEquals(fingerprint, fingerprint(linked), "one account key on both devices");
    }
}
