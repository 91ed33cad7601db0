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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smackx.mam.MamManager;
import org.jivesoftware.smackx.pubsub.NodeExtension;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PubSubElementType;
import org.jivesoftware.smackx.pubsub.PublishItem;
import org.jivesoftware.smackx.pubsub.packet.PubSub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Issue #19, revocation (docs/protocol.md 7.7) and labels (7.8), through the command line on a real Prosody
 * ({@link DeviceRevocationEjabberdIT} runs the same on ejabberd): a revoked laptop reads nothing sent after its
 * revocation, and alice's own archive shows that no stanza bob sent afterwards carries a second ciphertext; a
 * revocation signed by another key (the server's) is refused and changes nothing; the server listing the revoked
 * laptop again, and withholding the revocation list, gains nothing; {@code sotto devices} shows the signed labels.
 */
class DeviceRevocationIT {
    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.plaintext();

    /** How long the server may take to show a message it accepted in the sender's archive. */
    private static final long ARCHIVE_WAIT_MILLIS = 15_000;
    /** Alice's archive is a few dozen messages in this test; one page mostly. */
    private static final int ARCHIVE_PAGE = 100;
    /**
     * A Sotto ciphertext for one device (handshake steps are not stored, and carry no content): a first message, or a
     * ratchet message, which leaves its kind out.
     */
    private static final Pattern CIPHERTEXT = Pattern.compile("<encrypted xmlns=['\"]"
            + Pattern.quote(im.sotto.xmpp.element.SottoEncrypted.NAMESPACE)
            + "['\"](?: kind=['\"](?:ratchet|first-message)['\"])?>");

    @Test
    void aRevokedDeviceReadsNothingSentAfterwardsWhateverTheServerPublishes() throws Exception {
        revokedDeviceReadsNothing(prosody);
    }

    static void revokedDeviceReadsNothing(PrivateServer server) throws Exception {
        Map<String, String> alice = server.env("alice");
        Map<String, String> bob = server.env("bob");
        server.add("alice");
        server.add("bob");
        server.ok(alice, "send", server.jid("bob"), "hello", "bob");
        assertEquals(List.of("hello bob"), listen(server, bob, 1));

        Map<String, String> laptop = linkedDevice(server, "alice");
        server.ok(laptop, "send", server.jid("bob"), "from", "the", "laptop");
        List<JsonNode> fromLaptop = PrivateServer.jsonLines(listenRun(server, bob, 1).out());
        long laptopId = fromLaptop.stream().filter(e -> e.get("event").asText().equals("message")).findFirst()
                .orElseThrow(() -> new AssertionError(fromLaptop.toString())).get("device").asLong();
        long desktopId = deviceId(server, alice);

        // Labels: each device names itself; alice's desktop lists both, signed with the account key.
        server.ok(laptop, "devices", "label", "laptop");
        server.ok(alice, "devices", "label", "desktop");
        String own = server.ok(alice, "devices").out();
        assertTrue(own.lines().anyMatch(l -> l.matches(desktopId + " \\(this\\) +desktop +\\d+m +listed .*")), own);
        assertTrue(own.lines().anyMatch(l -> l.matches(laptopId + " +laptop +\\d+m +listed .*")), own);

        // Control: before any revocation bob encrypts to both devices, and the laptop reads what he sends.
        int mark = archivedFromBob(server).size();
        server.ok(bob, "send", server.jid("alice"), "before");
        assertTrue(newFromBob(server, mark).contains(2), "one ciphertext per device before the revocation");
        assertEquals(List.of("before"), listen(server, laptop, 1));
        assertEquals(List.of("before"), listen(server, alice, 1));

        // The server (it can log in as alice) publishes a revocation of alice's desktop signed by a key of its own.
        AccountIdentity rogue = AccountIdentity.generate(new SecureRandom());
        asAlice(server, (pep, connection) -> pep.publishRevocations(RevocationList.empty()
                .with(DeviceRevocation.sign(rogue, desktopId, Instant.now())).encode()));
        CliProcess.Run forgedSend = server.ok(bob, "send", server.jid("alice"), "after", "the", "forgery");
        assertTrue(forgedSend.err().contains("a revocation published for " + server.jid("alice")
                + " was refused (BAD_SIGNATURE)"), forgedSend.err());
        assertEquals(List.of("after the forgery"), listen(server, alice, 1), "the desktop is not revoked");
        assertFalse(server.ok(bob, "devices", server.jid("alice")).out().contains("REVOKED"));

        // Alice revokes the laptop from her desktop.
        CliProcess.Run removed = server.ok(alice, "devices", "remove", Long.toString(laptopId));
        assertTrue(removed.out().startsWith("Revoked device " + laptopId + " of " + server.jid("alice")),
                removed.out());
        assertTrue(removed.err().contains("not signed by this account's key; they were dropped"), removed.err());
        String ownAfter = server.ok(alice, "devices").out();
        assertTrue(ownAfter.lines().anyMatch(l -> l.matches(laptopId + " +laptop +\\d+m +REVOKED .*")), ownAfter);

        mark = archivedFromBob(server).size();
        CliProcess.Run sent = server.ok(bob, "send", server.jid("alice"), "after", "the", "revocation");
        assertTrue(sent.err().contains(server.jid("alice") + " revoked its device " + laptopId), sent.err());
        assertEquals(List.of(1), newFromBob(server, mark), "the desktop's ciphertext only");
        assertEquals(List.of("after the revocation"), listen(server, alice, 1));
        String devices = server.ok(bob, "devices", server.jid("alice")).out();
        assertTrue(devices.lines().anyMatch(l -> l.matches(laptopId + " +REVOKED .*")), devices);

        // The server lists the laptop again and withholds the revocation list: bob still encrypts nothing to it.
        asAlice(server, (pep, connection) -> {
            List<DeviceId> listed = new ArrayList<>(pep.fetchDeviceList(JidCreate.entityBareFrom(server.jid("alice"))));
            if (!listed.contains(DeviceId.of((int) laptopId))) {
                listed.add(DeviceId.of((int) laptopId));
            }
            publishDeviceList(server, connection, listed);
        });
        mark = archivedFromBob(server).size();
        CliProcess.Run again = server.ok(bob, "send", server.jid("alice"), "after", "the", "server", "re-added",
                "it");
        assertFalse(again.err().contains("revoked its device"), "reported once: " + again.err());
        assertEquals(List.of(1), newFromBob(server, mark), "still the desktop's ciphertext only");
        assertEquals(List.of("after the server re-added it"), listen(server, alice, 1));

        // The laptop, logged in again, finds nothing for itself among the three messages sent after the forgery.
        List<String> laptopRead = PrivateServer.bodies(server.sotto(laptop, "listen", "--json", "--count", "3",
                "--timeout", "20"));
        assertEquals(List.of("after the forgery"), laptopRead, "the laptop read only what came before revocation");
    }

    private static List<String> listen(PrivateServer server, Map<String, String> env, int count) throws Exception {
        return PrivateServer.bodies(listenRun(server, env, count));
    }

    private static CliProcess.Run listenRun(PrivateServer server, Map<String, String> env, int count)
            throws Exception {
        return server.ok(env, "listen", "--json", "--count", Integer.toString(count), "--timeout", "30");
    }

    private static long deviceId(PrivateServer server, Map<String, String> env) throws Exception {
        Matcher m = Pattern.compile("Device: +(\\d+)").matcher(server.ok(env, "status").out());
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    /**
     * The messages bob sent to alice with Sotto ciphertexts, as alice's server archive (XEP-0313) keeps them: for
     * each, how many ciphertexts it carries (one per device bob encrypted to; the server sees no more than that).
     */
    private static List<Integer> archivedFromBob(PrivateServer server) throws Exception {
        BareJid bob = JidCreate.bareFrom(server.jid("bob"));
        List<Integer> counts = new ArrayList<>();
        asAlice(server, (pep, connection) -> {
            MamManager.MamQuery query = MamManager.getInstanceFor(connection).queryArchive(
                    MamManager.MamQueryArgs.builder().setResultPageSizeTo(ARCHIVE_PAGE).build());
            List<Message> messages = new ArrayList<>(query.getMessages());
            while (!query.isComplete()) {
                messages.addAll(query.pageNext(ARCHIVE_PAGE));
            }
            for (Message m : messages) {
                if (m.getFrom() != null && m.getFrom().asBareJid().equals(bob)) {
                    long n = CIPHERTEXT.matcher(m.toXML().toString()).results().count();
                    if (n > 0) {
                        counts.add((int) n);
                    }
                }
            }
        });
        return counts;
    }

    /** What {@link #archivedFromBob} found after the first {@code mark}, once the archive shows some. */
    private static List<Integer> newFromBob(PrivateServer server, int mark) throws Exception {
        long deadline = System.currentTimeMillis() + ARCHIVE_WAIT_MILLIS;
        List<Integer> all = archivedFromBob(server);
        while (all.size() <= mark && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
            all = archivedFromBob(server);
        }
        assertTrue(all.size() > mark, "the archive shows what bob sent");
        return all.subList(mark, all.size());
    }

    interface AsAlice {
        void run(BundlePublisher pep, XMPPTCPConnection connection) throws Exception;
    }

    /** What the server can do with alice's account (it can log in as her), on a connection of its own. */
    static void asAlice(PrivateServer server, AsAlice work) throws Exception {
        EntityBareJid jid = JidCreate.entityBareFrom(server.jid("alice"));
        Connector.Transport transport = new Connector.Transport(Optional.of(ServerAddress.parse(server.server())),
                Optional.empty(), true);
        XMPPTCPConnection connection = Connector.connection(jid, server.password("alice").toCharArray(), "server",
                transport, false);
        Connector.connectAndLogin(connection, jid, transport);
        try {
            work.run(new BundlePublisher(connection), connection);
        } finally {
            connection.disconnect();
        }
    }

    /** Publishes a device list and deletes the revocation list, as a server that wants the laptop back would. */
    private static void publishDeviceList(PrivateServer server, XMPPTCPConnection connection, List<DeviceId> devices)
            throws Exception {
        EntityBareJid self = JidCreate.entityBareFrom(server.jid("alice"));
        PubSub publish = PubSub.createPubsubPacket(self, IQ.Type.set, new PublishItem<>(PepNodes.DEVICE_LIST,
                new PayloadItem<>(PepNodes.ITEM_ID, new DeviceListElement(devices))));
        connection.createStanzaCollectorAndSend(publish).nextResultOrThrow();
        PubSub delete = PubSub.createPubsubPacket(self, IQ.Type.set,
                new NodeExtension(PubSubElementType.DELETE, PepNodes.REVOCATIONS));
        connection.createStanzaCollectorAndSend(delete).nextResultOrThrow();
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
