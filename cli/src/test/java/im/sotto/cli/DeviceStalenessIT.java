package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue #19, staleness (docs/protocol.md 7.7) through the command line on a real Prosody: bob, with a staleness
 * period of 45 s (set in his account.properties), skips alice's laptop that has not sent since, says so, and encrypts
 * to it again once it sends.
 */
class DeviceStalenessIT {
    /**
     * Long enough for the two commands between hearing from a device and sending to it to run on a loaded machine
     * (each starts a JVM and logs in: under 10 s at a load average of 10), short enough for a test.
     */
    private static final String STALE_AFTER = "PT25S";
    /** Past the staleness period, counted from bob's reading of the laptop's message. */
    private static final long UNHEARD_MILLIS = 28_000;

    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.plaintext();

    @Test
    void aStaleDeviceIsSkippedWithANoticeAndComesBackWhenItSends() throws Exception {
        Map<String, String> alice = prosody.env("alice");
        Map<String, String> bob = prosody.env("bob");
        prosody.add("alice");
        prosody.add("bob");
        Files.writeString(Path.of(bob.get("SOTTO_HOME")).resolve(prosody.jid("bob")).resolve(Accounts.SETTINGS),
                DeviceSettings.STALE_AFTER + "=" + STALE_AFTER + "\n", StandardOpenOption.APPEND);
        prosody.ok(alice, "send", prosody.jid("bob"), "hello", "bob");
        assertEquals(List.of("hello bob"), listen(bob, 1));
        Map<String, String> laptop = DeviceRevocationIT.linkedDevice(prosody, "alice");
        prosody.ok(laptop, "send", prosody.jid("bob"), "from", "the", "laptop");
        List<JsonNode> events = PrivateServer.jsonLines(prosody.ok(bob, "listen", "--json", "--count", "1",
                "--timeout", "30").out());
        long laptopId = events.stream().filter(e -> e.get("event").asText().equals("message")).findFirst()
                .orElseThrow(() -> new AssertionError(events.toString())).get("device").asLong();

        Thread.sleep(UNHEARD_MILLIS);   // the laptop goes stale for bob; the desktop speaks up just before bob sends
        prosody.ok(alice, "send", prosody.jid("bob"), "still", "here");
        CliProcess.Run heardDesktop = prosody.ok(bob, "listen", "--json", "--count", "1", "--timeout", "30");
        assertEquals(List.of("still here"), PrivateServer.bodies(heardDesktop));
        CliProcess.Run skipped = prosody.ok(bob, "send", prosody.jid("alice"), "to", "the", "desktop", "only");
        // Said once: by listen if its receipt to alice went out first (the first thing bob encrypted to her since),
        // else by send.
        long inListen = PrivateServer.jsonLines(heardDesktop.out()).stream()
                .filter(e -> e.get("event").asText().equals("device-stale") && e.get("device").asLong() == laptopId)
                .count();
        long inSend = skipped.err().contains(prosody.jid("alice") + " device " + laptopId
                + " was not heard from since") ? 1 : 0;
        assertEquals(1, inListen + inSend, heardDesktop.out() + skipped.err());
        assertTrue(prosody.ok(bob, "devices", prosody.jid("alice")).out().lines()
                .anyMatch(l -> l.matches(laptopId + " +STALE .*")));
        assertEquals(List.of("to the desktop only"), listen(alice, 1));

        // The laptop sends: it is heard from, no longer stale, and reads what bob sends next.
        prosody.ok(laptop, "send", prosody.jid("bob"), "back", "again");
        assertEquals(List.of("back again"), listen(bob, 1));
        CliProcess.Run back = prosody.ok(bob, "send", prosody.jid("alice"), "welcome", "back");
        // Only the laptop is checked: on a slow machine the desktop may be stale by now, which changes nothing here.
        assertFalse(back.err().contains("device " + laptopId + " was not heard from"), back.err());
        List<String> laptopRead = PrivateServer.bodies(prosody.sotto(laptop, "listen", "--json", "--count", "2",
                "--timeout", "20"));
        assertEquals(List.of("welcome back"), laptopRead, "nothing of what was sent while it was stale");
    }

    private static List<String> listen(Map<String, String> env, int count) throws Exception {
        return PrivateServer.bodies(prosody.ok(env, "listen", "--json", "--count", Integer.toString(count),
                "--timeout", "30"));
    }
}
