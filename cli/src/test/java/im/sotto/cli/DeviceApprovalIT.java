package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.store.Protection;
import im.sotto.store.SqliteAccountStore;
import im.sotto.xmpp.SottoAccount;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A new device of a verified contact is shown as awaiting approval until approved, then reads what is sent to it.
 * In a class of its own, on a Prosody of its own: after the other trust transcripts on the same server the linked
 * laptop's first send to alice ended in NEGOTIATION_FAILED (exit 6), while alone it passes (cause not found yet;
 * closing note of 2026-12-07).
 */
class DeviceApprovalIT {
    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.plaintext();

    private static CliProcess.Run sotto(Map<String, String> env, String... args) throws Exception {
        return prosody.sotto(env, args);
    }

    private static CliProcess.Run ok(Map<String, String> env, String... args) throws Exception {
        return prosody.ok(env, args);
    }

    @Test
    void aNewDeviceOfAVerifiedContactAwaitsApproval() throws Exception {
        Map<String, String> alice = prosody.env("alice");
        Map<String, String> bob = prosody.env("bob");
        prosody.add("alice");
        prosody.add("bob");
        prosody.exchange(alice, bob);
        ok(alice, "trust", prosody.jid("bob"));
        Map<String, String> laptop = linkedDevice("bob");

        ok(laptop, "send", prosody.jid("alice"), "from", "my", "laptop");
        List<JsonNode> events = PrivateServer.jsonLines(ok(alice, "listen", "--json", "--count", "1", "--timeout", "30").out());
        JsonNode message = events.stream().filter(e -> e.get("event").asText().equals("message")).findFirst()
                .orElseThrow();
        assertEquals("from my laptop", message.get("body").asText());
        assertEquals("VERIFIED", message.get("trust").asText());
        assertFalse(message.get("deviceApproved").asBoolean(), message.toString());
        long laptopId = message.get("device").asLong();
        assertTrue(events.stream().anyMatch(e -> e.get("event").asText().equals("device-needs-approval")
                && e.get("device").asLong() == laptopId), events.toString());

        String pending = ok(alice, "devices", prosody.jid("bob")).out();
        assertTrue(pending.lines().anyMatch(l -> l.matches(laptopId + " +AWAITING APPROVAL .*")), pending);
        assertTrue(pending.contains("Notes: devices awaiting approval: [" + laptopId + "]"), pending);

        CliProcess.Run approved = ok(alice, "trust", prosody.jid("bob"), "--device", Long.toString(laptopId));
        assertTrue(approved.out().startsWith("Approved device " + laptopId + " of " + prosody.jid("bob")),
                approved.out());
        assertTrue(ok(alice, "devices", prosody.jid("bob")).out().lines()
                .anyMatch(l -> l.matches(laptopId + " +APPROVED .*")));
        CliProcess.Run again = sotto(alice, "trust", prosody.jid("bob"), "--device", Long.toString(laptopId));
        assertEquals(ExitCode.USAGE, again.exit(), again.toString());
        assertTrue(again.err().contains("is not awaiting approval"), again.toString());

        ok(alice, "send", prosody.jid("bob"), "welcome", "laptop");
        assertEquals(List.of("welcome laptop"), PrivateServer.bodies(ok(laptop, "listen", "--json", "--count", "1", "--timeout",
                "30")), "the approved laptop reads alice's message");
    }

    private Map<String, String> linkedDevice(String user) throws Exception {
        Path first = prosody.temp().resolve(user).resolve(prosody.jid(user));
        Path dir = prosody.temp().resolve(user + "-laptop").resolve(prosody.jid(user));
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Files.copy(first.resolve(Accounts.SETTINGS), dir.resolve(Accounts.SETTINGS));
        AccountIdentity account;
        try (SqliteAccountStore store = SqliteAccountStore.open(first.resolve(Accounts.STORE),
                Protection.keyFile(first.resolve(Accounts.KEY_FILE)))) {
            account = SottoAccount.open(store, new SecureRandom(), Clock.systemUTC()).identity();
        }
        try (SqliteAccountStore store = SqliteAccountStore.create(dir.resolve(Accounts.STORE),
                Protection.keyFile(dir.resolve(Accounts.KEY_FILE)))) {
            SottoAccount.openLinkedDevice(store, account, new SecureRandom(), Clock.systemUTC());
        }
        return prosody.env(user + "-laptop", user);
    }
}
