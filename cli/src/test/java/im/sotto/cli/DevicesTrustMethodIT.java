package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue #18: after a fingerprint comparison ({@code sotto fingerprint} on both sides, then {@code sotto trust}),
 * {@code devices} said "VERIFIED (SAS)": no SAS was ever compared. The store records a comparison without its kind,
 * so it is shown as a comparison, never as a SAS.
 */
class DevicesTrustMethodIT {
    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.plaintext();

    @Test
    void aFingerprintComparisonIsNotShownAsASas() throws Exception {
        Map<String, String> alice = prosody.env("alice");
        Map<String, String> bob = prosody.env("bob");
        prosody.add("alice", alice, "--no-passphrase");
        prosody.add("bob", bob, "--no-passphrase");
        prosody.ok(alice, "send", prosody.jid("bob"), "hello");
        prosody.ok(bob, "listen", "--json", "--count", "1", "--timeout", "60");
        prosody.ok(bob, "trust", prosody.jid("alice"));

        CliProcess.Run devices = prosody.ok(bob, "devices", prosody.jid("alice"));
        String trust = devices.out().lines().filter(l -> l.startsWith("Trust: ")).findFirst().orElseThrow(
                () -> new AssertionError(devices.toString()));
        assertTrue(trust.startsWith("Trust: VERIFIED (compared by you: SAS or fingerprint), key "), trust);
        assertFalse(devices.out().contains("(SAS)"), devices.toString());
        assertEquals(0, devices.exit());
    }
}
