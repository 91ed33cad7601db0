package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import im.sotto.protocol.device.DeviceRevocation;
import im.sotto.protocol.device.RevocationList;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.store.Protection;
import im.sotto.store.SqliteAccountStore;
import im.sotto.xmpp.SottoAccount;
import im.sotto.xmpp.pep.BundlePublisher;
import im.sotto.xmpp.pep.DeviceId;
import im.sotto.xmpp.pep.DeviceListElement;
import im.sotto.xmpp.pep.PepNodes;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smackx.pubsub.NodeExtension;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PubSubElementType;
import org.jivesoftware.smackx.pubsub.PublishItem;
import org.jivesoftware.smackx.pubsub.packet.PubSub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Issue #19, revocation (docs/protocol.md 7.7), through the command line on a real Prosody: a revoked laptop reads
 * nothing sent after its revocation; a revocation signed by another key (the server's) is refused and changes
 * nothing; the server listing the revoked laptop again, and withholding the revocation list, gains nothing.
 */
class DeviceRevocationIT {
    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.plaintext();

    @Test
    void aRevokedDeviceReadsNothingSentAfterwardsWhateverTheServerPublishes() throws Exception {
        Map<String, String> alice = prosody.env("alice");
        Map<String, String> bob = prosody.env("bob");
        prosody.add("alice");
        prosody.add("bob");
        prosody.ok(alice, "send", prosody.jid("bob"), "hello", "bob");
        assertEquals(List.of("hello bob"), listen(bob, 1));

        Map<String, String> laptop = linkedDevice(prosody, "alice");
        prosody.ok(laptop, "send", prosody.jid("bob"), "from", "the", "laptop");
        List<JsonNode> fromLaptop = PrivateServer.jsonLines(listenRun(bob, 1).out());
        long laptopId = fromLaptop.stream().filter(e -> e.get("event").asText().equals("message")).findFirst()
                .orElseThrow(() -> new AssertionError(fromLaptop.toString())).get("device").asLong();

        // Control: before any revocation bob encrypts to both devices, and the laptop reads what he sends.
        prosody.ok(bob, "send", prosody.jid("alice"), "before");
        assertEquals(List.of("before"), listen(laptop, 1));
        assertEquals(List.of("before"), listen(alice, 1));

        // The server (it can log in as alice) publishes a revocation of alice's desktop signed by a key of its own.
        long desktopId = deviceId(alice);
        AccountIdentity rogue = AccountIdentity.generate(new SecureRandom());
        asAlice(pep -> pep.publishRevocations(RevocationList.empty()
                .with(DeviceRevocation.sign(rogue, desktopId, Instant.now())).encode()));
        CliProcess.Run forgedSend = prosody.ok(bob, "send", prosody.jid("alice"), "after", "the", "forgery");
        assertTrue(forgedSend.err().contains("a revocation published for " + prosody.jid("alice")
                + " was refused (BAD_SIGNATURE)"), forgedSend.err());
        assertEquals(List.of("after the forgery"), listen(alice, 1), "the desktop is not revoked");
        assertFalse(prosody.ok(bob, "devices", prosody.jid("alice")).out().contains("REVOKED"));

        // Alice revokes the laptop from her desktop.
        CliProcess.Run removed = prosody.ok(alice, "devices", "remove", Long.toString(laptopId));
        assertTrue(removed.out().startsWith("Revoked device " + laptopId + " of " + prosody.jid("alice")),
                removed.out());
        assertTrue(removed.err().contains("not signed by this account's key; they were dropped"), removed.err());

        CliProcess.Run sent = prosody.ok(bob, "send", prosody.jid("alice"), "after", "the", "revocation");
        assertTrue(sent.err().contains(prosody.jid("alice") + " revoked its device " + laptopId), sent.err());
        assertEquals(List.of("after the revocation"), listen(alice, 1));
        String devices = prosody.ok(bob, "devices", prosody.jid("alice")).out();
        assertTrue(devices.lines().anyMatch(l -> l.matches(laptopId + " +REVOKED .*")), devices);

        // The server lists the laptop again and withholds the revocation list: bob still encrypts nothing to it.
        asAlice(pep -> {
            List<DeviceId> listed = new ArrayList<>(pep.fetchDeviceList(JidCreate.entityBareFrom(prosody.jid("alice"))));
            if (!listed.contains(DeviceId.of((int) laptopId))) {
                listed.add(DeviceId.of((int) laptopId));
            }
            publishDeviceList(listed);
        });
        CliProcess.Run again = prosody.ok(bob, "send", prosody.jid("alice"), "after", "the", "server", "re-added",
                "it");
        assertFalse(again.err().contains("revoked its device"), "reported once: " + again.err());
        assertEquals(List.of("after the server re-added it"), listen(alice, 1));

        // The laptop, logged in again, finds nothing for itself among the three messages sent after the forgery.
        List<String> laptopRead = PrivateServer.bodies(prosody.sotto(laptop, "listen", "--json", "--count", "3",
                "--timeout", "20"));
        assertEquals(List.of("after the forgery"), laptopRead, "the laptop read only what came before revocation");
    }

    private static List<String> listen(Map<String, String> env, int count) throws Exception {
        return PrivateServer.bodies(listenRun(env, count));
    }

    private static CliProcess.Run listenRun(Map<String, String> env, int count) throws Exception {
        return prosody.ok(env, "listen", "--json", "--count", Integer.toString(count), "--timeout", "30");
    }

    private static long deviceId(Map<String, String> env) throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Device: +(\\d+)").matcher(prosody.ok(env, "status")
                .out());
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    private interface PepWork {
        void run(BundlePublisher pep) throws Exception;
    }

    private static XMPPTCPConnection serverSide;

    /** What the server can do with alice's PEP nodes (it can log in as her), on a connection of its own. */
    private static void asAlice(PepWork work) throws Exception {
        EntityBareJid jid = JidCreate.entityBareFrom(prosody.jid("alice"));
        Connector.Transport transport = new Connector.Transport(Optional.of(ServerAddress.parse(prosody.server())),
                Optional.empty(), true);
        XMPPTCPConnection connection = Connector.connection(jid, prosody.password("alice").toCharArray(), "server",
                transport, false);
        Connector.connectAndLogin(connection, jid, transport);
        serverSide = connection;
        try {
            work.run(new BundlePublisher(connection));
        } finally {
            serverSide = null;
            connection.disconnect();
        }
    }

    /** Publishes a device list and deletes the revocation list, as a server that wants the laptop back would. */
    private static void publishDeviceList(List<DeviceId> devices) throws Exception {
        EntityBareJid self = JidCreate.entityBareFrom(prosody.jid("alice"));
        PubSub publish = PubSub.createPubsubPacket(self, IQ.Type.set, new PublishItem<>(PepNodes.DEVICE_LIST,
                new PayloadItem<>(PepNodes.ITEM_ID, new DeviceListElement(devices))));
        serverSide.createStanzaCollectorAndSend(publish).nextResultOrThrow();
        PubSub delete = PubSub.createPubsubPacket(self, IQ.Type.set,
                new NodeExtension(PubSubElementType.DELETE, PepNodes.REVOCATIONS));
        serverSide.createStanzaCollectorAndSend(delete).nextResultOrThrow();
    }

    /** A second device of {@code user}'s account, made from its first device's key (linking is LinkDevicesIT's). */
    static Map<String, String> linkedDevice(PrivateServer prosody, String user) throws Exception {
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
