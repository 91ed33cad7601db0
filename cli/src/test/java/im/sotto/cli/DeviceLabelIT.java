package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import im.sotto.protocol.device.DeviceLabel;
import im.sotto.protocol.device.DeviceLabels;
import im.sotto.protocol.identity.AccountIdentity;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue #19, device list hygiene (docs/protocol.md 7.8) on a real Prosody: {@code account link --label} names the new
 * device, {@code sotto devices} on the first device shows it with its age, relabelling renames it, and labels the
 * server publishes under a key of its own (swapping the names to steer {@code devices remove}) are not shown.
 */
class DeviceLabelIT {
    private static final Pattern CODE = Pattern.compile("Link code: ([0-9A-Z]{4}-[0-9A-Z]{4})");
    private static final Pattern LINKED = Pattern.compile("Linked .* \\(device (\\d+)\\)");

    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.plaintext();

    @Test
    void aLinkedDeviceIsListedWithItsSignedLabelAndTheServersLabelsAreNot() throws Exception {
        Map<String, String> alice = prosody.env("alice");
        prosody.add("alice");
        Map<String, String> laptop = prosody.env("alice-laptop", "alice");
        CliProcess.Started link = CliProcess.start(laptop, "account", "link", prosody.jid("alice"), "--no-passphrase",
                "--server", prosody.server(), "--insecure-loopback", "--label", "laptop");
        link.awaitOutput("Link code: ", 60);
        Matcher code = CODE.matcher(link.outputSoFar());
        assertTrue(code.find(), link.outputSoFar());
        prosody.ok(alice, "devices", "approve", code.group(1));
        CliProcess.Run linked = link.finish(PrivateServer.COMMAND_TIMEOUT_SECONDS);
        assertEquals(0, linked.exit(), linked.toString());
        Matcher id = LINKED.matcher(linked.out());
        assertTrue(id.find(), linked.out());
        long laptopId = Long.parseLong(id.group(1));

        String listed = prosody.ok(alice, "devices").out();
        assertTrue(listed.lines().anyMatch(l -> l.matches(laptopId + " +laptop +\\d+m +listed .*")), listed);
        assertTrue(listed.lines().anyMatch(l -> l.matches("\\d+ \\(this\\) +- +- +listed .*")),
                "the first device has no label yet: " + listed);
        assertTrue(listed.contains("at most 64 devices"), listed);

        prosody.ok(laptop, "devices", "label", "work laptop");
        String renamed = prosody.ok(alice, "devices").out();
        assertTrue(renamed.lines().anyMatch(l -> l.matches(laptopId + " +work laptop +\\d+m +listed .*")), renamed);

        // The server (it can log in as alice) replaces the labels with its own, calling the laptop "phone".
        AccountIdentity rogue = AccountIdentity.generate(new SecureRandom());
        DeviceRevocationIT.asAlice(prosody, (pep, connection) -> pep.publishLabels(DeviceLabels.empty()
                .with(DeviceLabel.sign(rogue, laptopId, Instant.now(), "phone")).encode()));
        String forged = prosody.ok(alice, "devices").out();
        assertFalse(forged.contains("phone"), forged);
        assertTrue(forged.lines().anyMatch(l -> l.matches(laptopId + " +- +- +listed .*")), forged);
    }
}
