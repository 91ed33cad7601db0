package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import im.sotto.xmpp.pep.BundlePublisher;
import im.sotto.xmpp.pep.DeviceId;
import im.sotto.xmpp.pep.PepException;

import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code sotto account list} and {@code account remove} against Prosody: asked first, server and disk both. */
class AccountRemovalIT {
    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.plaintext();

    @Test
    void removeAsksThenTakesTheDeviceOffTheServerAndDeletesTheStore() throws Exception {
        prosody.add("alice");
        Map<String, String> alice = prosody.env("alice");
        String aliceJid = prosody.jid("alice");
        Path directory = prosody.temp().resolve("alice").resolve(aliceJid);

        CliProcess.Run listed = prosody.ok(alice, "account", "list");
        assertTrue(listed.out().lines().anyMatch(l -> l.startsWith(aliceJid + " ") && l.contains("key file")
                && l.endsWith(directory.toString())), listed.toString());
        String status = prosody.ok(alice, "status").out();
        int device = Integer.parseInt(status.lines().filter(l -> l.startsWith("Device:")).findFirst().orElseThrow()
                .substring("Device:".length()).strip());
        assertTrue(deviceList(aliceJid).contains(DeviceId.of(device)), "published before");

        // Any answer but the address removes nothing.
        CliProcess.Run refused = CliProcess.run(alice, "yes\n", PrivateServer.COMMAND_TIMEOUT_SECONDS, "account",
                "remove", aliceJid);
        assertEquals(ExitCode.USAGE, refused.exit(), refused.toString());
        assertTrue(Files.isRegularFile(directory.resolve(Accounts.STORE)), "nothing removed");
        assertTrue(deviceList(aliceJid).contains(DeviceId.of(device)), "still listed");

        CliProcess.Run removed = CliProcess.run(alice, aliceJid + "\n", PrivateServer.COMMAND_TIMEOUT_SECONDS,
                "account", "remove", aliceJid);
        assertEquals(0, removed.exit(), removed.toString());
        assertTrue(removed.out().contains("Device " + device + " taken off the server's device list"),
                removed.toString());
        assertFalse(Files.exists(directory), "the account's directory is deleted");
        assertFalse(deviceList(aliceJid).contains(DeviceId.of(device)), "peers no longer see the device");
        assertTrue(prosody.ok(alice, "account", "list").out().startsWith("No account in "));
    }

    /** The device list peers see, fetched by bob with a plain client. */
    private static java.util.List<DeviceId> deviceList(String owner) throws Exception {
        XMPPTCPConnection bob = new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(prosody.domain()).setHost("127.0.0.1")
                .setPort(Integer.parseInt(prosody.server().substring(prosody.server().indexOf(':') + 1)))
                .setUsernameAndPassword("bob", prosody.password("bob")).setResource("peer")
                .setSecurityMode(ConnectionConfiguration.SecurityMode.disabled).build());
        try {
            bob.connect().login();
            return new BundlePublisher(bob).fetchDeviceList(JidCreate.bareFrom(owner));
        } catch (PepException e) {
            return java.util.List.of();
        } finally {
            bob.disconnect();
        }
    }
}
