package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import im.sotto.protocol.omemo.OmemoDeviceId;
import im.sotto.protocol.omemo.OmemoTrustLevel;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SessionOrigin;
import im.sotto.xmpp.omemo2.Omemo2Encrypted;
import im.sotto.xmpp.pep.DeviceListElement;
import im.sotto.xmpp.pep.PepNodes;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PublishItem;
import org.jivesoftware.smackx.pubsub.packet.PubSub;
import org.jxmpp.jid.BareJid;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * OMEMO 2 against an implementation not written by us: python-omemo's twomemo backend with slixmpp, both from Debian
 * (python3-twomemo, python3-slixmpp), glued by our test driver {@code omemo2_xmpp_peer.py}, as dave on a real server.
 * Alice is a Sotto user with OMEMO on; dave has no Sotto, so her ordinary {@code send} negotiates OMEMO 2. Both
 * directions, key exchanges and normal messages, each arriving once, labelled OMEMO 2, with the SCE envelope's
 * affixes naming the right accounts at dave's end.
 */
@ExtendWith(XmppServersExtension.class)
class TwomemoPeerIT {
    private static final long QUIET_MS = 1500;

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void sottoAndATwomemoClientTalkBothWaysWithKeyExchangesAndNormalMessages(ServerKind kind, XmppServers servers)
            throws Exception {
        String python = debianPython();
        XmppServers.Server server = servers.get(kind);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        BareJid dave = withoutSottoDevices(server, suffix);
        SottoParty alice = new SottoParty();
        try {
            alice.connect(server.connection("alice", "a-" + suffix));
            alice.manager.omemo().enable();
            alice.manager.omemo().omemo2().publishOrThrow();
            BareJid aliceJid = alice.connection.getUser().asBareJid();
            int aliceDevice = alice.manager.omemo().omemo2().deviceId();

            // Sotto starts: its key exchange built from the peer's published bundle, then normal messages.
            try (Peer peer = new Peer(python, server, dave)) {
                alice.manager.send(chat(dave, "Sotto first \u00e9\u4e16 <&>")).get(SottoParty.WAIT_MS,
                        TimeUnit.MILLISECONDS);
                peer.expectMessage(aliceJid, true, "Sotto first \u00e9\u4e16 <&>", dave);
                assertEquals("false", peer.send(aliceJid, aliceDevice, "twomemo answers")[1],
                        "twomemo answers a session it did not start with normal messages");
                assertOmemo2(alice.next(), dave, "twomemo answers");
                alice.manager.send(chat(dave, "Sotto again")).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
                peer.expectMessage(aliceJid, false, "Sotto again", dave);
                peer.cleanUp();
            }
            // twomemo starts (a new device of dave's): its key exchange, answered by Sotto, then normal messages.
            try (Peer peer = new Peer(python, server, dave)) {
                assertEquals("true", peer.send(aliceJid, aliceDevice, "twomemo first")[1]);
                assertOmemo2(alice.next(), dave, "twomemo first");
                alice.manager.send(chat(dave, "Sotto replies")).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
                peer.expectMessage(aliceJid, false, "Sotto replies", dave);
                assertEquals("false", peer.send(aliceJid, aliceDevice, "twomemo, answered")[1],
                        "answered, twomemo stops sending key exchanges");
                assertOmemo2(alice.next(), dave, "twomemo, answered");
                assertNull(alice.inbox.poll(QUIET_MS, TimeUnit.MILLISECONDS), "each message exactly once");
                peer.cleanUp();
            }
        } finally {
            alice.disconnect();
        }
    }

    /**
     * Per device: dave has a twomemo device (OMEMO 2) and an OMEMO 0.3-only device (the binding alone, as a phone on
     * an OMEMO 0.3 client). One message from alice reaches both: OMEMO 2 for the one, an OMEMO 0.3 element in the same
     * stanza for the other; never the fallback body alone.
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aContactWithAnOmemo2AndAnOmemo03OnlyDeviceGetsEachMessageOnBoth(ServerKind kind, XmppServers servers)
            throws Exception {
        String python = debianPython();
        XmppServers.Server server = servers.get(kind);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        BareJid dave = withoutSottoDevices(server, suffix);
        SottoParty alice = new SottoParty();
        try (OmemoParty davePhone = new OmemoParty(server.connection("dave", "phone-" + suffix));
                Peer daveDesktop = new Peer(python, server, dave)) {
            alice.connect(server.connection("alice", "a-" + suffix));
            alice.manager.omemo().enable();
            alice.manager.omemo().omemo2().publishOrThrow();
            BareJid aliceJid = alice.connection.getUser().asBareJid();
            try {
                alice.manager.send(chat(dave, "to both of dave's devices")).get(SottoParty.WAIT_MS,
                        TimeUnit.MILLISECONDS);
                daveDesktop.expectMessage(aliceJid, true, "to both of dave's devices", dave);
                DecryptedStanza atPhone = davePhone.next();
                assertEquals(SessionOrigin.OMEMO, atPhone.origin());
                assertEquals("to both of dave's devices", ((Message) atPhone.stanza()).getBody());
                assertNull(davePhone.inbox.poll(QUIET_MS, TimeUnit.MILLISECONDS), "once");
            } finally {
                daveDesktop.cleanUp();
            }
        } finally {
            alice.disconnect();
        }
    }

    /**
     * A key change under OMEMO 2 (in-process OMEMO 2 devices, no Python needed; Prosody only, to keep CI short):
     * alice verified dave's OMEMO 2 device; dave then adds a device. Each message alice sends while it awaits her
     * approval misses it and says so ({@code OmemoDevicesNotApproved}, version "OMEMO 2", with its fingerprint); once
     * she approves it (what {@code sotto trust JID --omemo2-device ID} does), her next message reaches it.
     */
    @Test
    void aVerifiedOmemo2ContactsNewDeviceWaitsForApprovalAndIsReported(XmppServers servers) throws Exception {
        XmppServers.Server server = servers.get(ServerKind.PROSODY);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        BareJid dave = withoutSottoDevices(server, suffix);
        SottoParty alice = new SottoParty();
        try (Omemo2Party first = new Omemo2Party(server.connection("dave", "first-" + suffix))) {
            alice.connect(server.connection("alice", "a-" + suffix));
            alice.manager.omemo().enable();
            alice.manager.omemo().omemo2().publishOrThrow();
            alice.manager.send(chat(dave, "before " + suffix)).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
            assertEquals("before " + suffix, ((Message) first.next().stanza()).getBody());
            int firstId = first.omemo2.deviceId();
            assertTrue(alice.manager.omemo().omemo2().setTrust(dave, firstId, OmemoTrustLevel.VERIFIED));

            try (Omemo2Party added = new Omemo2Party(server.connection("dave", "added-" + suffix))) {
                int addedId = added.omemo2.deviceId();
                String missed = "missed " + suffix;
                alice.manager.send(chat(dave, missed)).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
                SecurityEvent.OmemoDevicesNotApproved notice = alice.awaitEvent(
                        SecurityEvent.OmemoDevicesNotApproved.class, e -> e.device(addedId).isPresent());
                assertEquals(dave, notice.peer());
                assertEquals("OMEMO 2", notice.version());
                assertEquals(added.omemo2.identityKey().fingerprint(),
                        notice.device(addedId).orElseThrow().fingerprint(), "the key to compare");
                assertEquals(missed, ((Message) first.next().stanza()).getBody(), "the verified device still reads");

                // Refused (what sotto distrust JID --omemo2-device ID does): it gets nothing and is no longer named.
                assertTrue(alice.manager.omemo().omemo2().setTrust(dave, addedId, OmemoTrustLevel.DISTRUSTED));
                String refused = "refused " + suffix;
                String refusedId = "refused-" + suffix;
                Message refusedMessage = StanzaBuilder.buildMessage(refusedId).to(dave).ofType(Message.Type.chat)
                        .setBody(refused).build();
                alice.manager.send(refusedMessage).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
                assertEquals(refused, ((Message) first.next().stanza()).getBody());
                assertNull(added.inbox.poll(QUIET_MS, TimeUnit.MILLISECONDS), "nothing for the refused device");
                synchronized (alice.events) {
                    assertTrue(alice.events.stream().noneMatch(e -> e instanceof SecurityEvent.OmemoDevicesNotApproved n
                            && refusedId.equals(n.stanzaId())), "a refused device is not awaiting approval: "
                            + alice.events);
                }

                assertTrue(alice.manager.omemo().omemo2().setTrust(dave, addedId, OmemoTrustLevel.VERIFIED));
                String approved = "approved " + suffix;
                alice.manager.send(chat(dave, approved)).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
                assertEquals(approved, ((Message) added.next().stanza()).getBody(), "the message sent before the "
                        + "approval never reached the new device; the next one does");
                assertEquals(approved, ((Message) first.next().stanza()).getBody());
                assertNull(added.inbox.poll(QUIET_MS, TimeUnit.MILLISECONDS), "once");
            }
        } finally {
            alice.disconnect();
        }
    }

    /**
     * One stanza for a contact with a Sotto device and an OMEMO-only device (docs/protocol.md 10.13): bob runs Sotto
     * (OMEMO on, so his Sotto device also lists OMEMO ids, and publishes them as its OMEMO side) and twomemo on the
     * same account. Once alice verified the twomemo device (never blindly: a server could list a device of its own),
     * each message reaches both from one stanza: the Sotto device reads Sotto's element (a Sotto session, not OMEMO),
     * once, and reports nothing about the OMEMO element beside it; the twomemo device reads its OMEMO 2 element; the
     * Sotto device's own OMEMO side gets no key. The twomemo device's answer is shown by alice, labelled OMEMO 2.
     */
    @Test
    void aContactWithASottoDeviceAndATwomemoDeviceReadsEachMessageOnBoth(XmppServers servers) throws Exception {
        String python = debianPython();
        XmppServers.Server server = servers.get(ServerKind.PROSODY);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        BareJid bob = withoutSottoDevices(server, "bob", suffix);
        SottoParty alice = new SottoParty();
        SottoParty bobLaptop = new SottoParty();
        try {
            // The OMEMO-only device appears after alice's first messages.
            alice.connectCheckingOmemoDevicesAtEverySend(server.connection("alice", "a-" + suffix));
            alice.manager.omemo().enable();
            BareJid aliceJid = alice.connection.getUser().asBareJid();
            bobLaptop.connect(server.connection("bob", "laptop-" + suffix));
            bobLaptop.manager.omemo().enable();
            alice.awaitOmemoSideOf(bobLaptop);
            alice.manager.send(chat(bob, "hello laptop " + suffix)).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
            assertEquals("hello laptop " + suffix, ((Message) bobLaptop.next().stanza()).getBody());
            bobLaptop.manager.send(chat(aliceJid, "hi " + suffix)).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
            assertEquals("hi " + suffix, ((Message) alice.next().stanza()).getBody());

            BlockingQueue<Message> atLaptopRaw = new LinkedBlockingQueue<>();
            bobLaptop.connection.addSyncStanzaListener(m -> atLaptopRaw.add((Message) m),
                    m -> m instanceof Message && m.hasExtension(Omemo2Encrypted.QNAME));
            int laptopOmemo2 = bobLaptop.manager.omemo().omemo2().deviceId();
            int laptopOmemo03 = bobLaptop.manager.omemo().deviceId();
            try (Peer phone = new Peer(python, server, bob)) {
                int phoneId = phone.deviceId;
                String unverified = "before the phone is verified " + suffix;
                alice.manager.send(chat(bob, unverified)).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
                SecurityEvent.OmemoDevicesNotApproved notice = alice.awaitEvent(
                        SecurityEvent.OmemoDevicesNotApproved.class, e -> e.device(phoneId).isPresent());
                assertEquals("OMEMO 2", notice.version());
                assertEquals(unverified, ((Message) bobLaptop.next().stanza()).getBody());
                assertTrue(alice.manager.omemo().omemo2().setTrust(bob, phoneId, OmemoTrustLevel.VERIFIED));

                String both = "to the laptop and the phone " + suffix;
                alice.manager.send(chat(bob, both)).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
                phone.expectMessage(aliceJid, true, both, bob);
                DecryptedStanza atLaptop = bobLaptop.next();
                assertEquals(both, ((Message) atLaptop.stanza()).getBody());
                assertTrue(atLaptop.origin() != SessionOrigin.OMEMO && atLaptop.origin() != SessionOrigin.OMEMO_2,
                        "read through Sotto, not OMEMO: " + atLaptop.origin());
                assertNull(bobLaptop.inbox.poll(QUIET_MS, TimeUnit.MILLISECONDS), "once on the laptop");
                Omemo2Encrypted beside = atLaptopRaw.poll(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS)
                        .getExtension(Omemo2Encrypted.class);
                assertTrue(beside.keyFor(bob.toString(), phoneId).isPresent(), "one stanza, keyed for the phone");
                assertTrue(beside.keyFor(bob.toString(), laptopOmemo2).isEmpty(), "no second copy for the laptop");
                assertTrue(alice.events.stream().noneMatch(e -> e instanceof SecurityEvent.OmemoDevicesNotApproved n
                        && (n.device(laptopOmemo2).isPresent() || n.device(laptopOmemo03).isPresent())), "the laptop's OMEMO "
                        + "ids are its Sotto side (signed), not a device to approve: " + alice.events);
                assertTrue(bobLaptop.events.stream().noneMatch(e -> e instanceof SecurityEvent.OmemoUndecryptable),
                        "the OMEMO element beside Sotto's is not reported: " + bobLaptop.events);

                int aliceDevice = alice.manager.omemo().omemo2().deviceId();
                phone.send(aliceJid, aliceDevice, "answer from bob's phone " + suffix);
                assertOmemo2(alice.next(), bob, "answer from bob's phone " + suffix);
                phone.cleanUp();
            }
        } finally {
            bobLaptop.disconnect();
            alice.disconnect();
        }
    }

    private static void assertOmemo2(DecryptedStanza stanza, BareJid from, String body) {
        assertEquals(SessionOrigin.OMEMO_2, stanza.origin(), "labelled OMEMO 2");
        assertEquals(from, stanza.peer());
        assertEquals(body, ((Message) stanza.stanza()).getBody());
    }

    private static Message chat(BareJid to, String body) {
        return StanzaBuilder.buildMessage().to(to).ofType(Message.Type.chat).setBody(body).build();
    }

    /** The Debian interpreter with python3-omemo, -twomemo and -slixmpp; the test is skipped, saying why, without. */
    private static String debianPython() throws Exception {
        Process install = new ProcessBuilder("bash", "../scripts/omemo2-peer.sh", "install")
                .redirectErrorStream(false).start();
        String python = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String error = new String(install.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        Assumptions.assumeTrue(install.waitFor() == 0, "SKIPPED: the OMEMO 2 test peer needs Debian's python3-omemo, "
                + "python3-twomemo and python3-slixmpp, which are not installed and could not be installed here ("
                + error + "); .ci/run installs them");
        return python;
    }

    /** Dave as an OMEMO 2 user only: Sotto devices that earlier tests published for dave are unlisted. */
    private static BareJid withoutSottoDevices(XmppServers.Server server, String suffix) throws Exception {
        return withoutSottoDevices(server, "dave", suffix);
    }

    /** {@code user}'s account with no Sotto device listed (earlier tests' devices unlisted). */
    static BareJid withoutSottoDevices(XmppServers.Server server, String user, String suffix)
            throws Exception {
        XMPPTCPConnection seed = Pair.login(server.connection(user, "seed-" + suffix));
        try {
            BareJid dave = seed.getUser().asBareJid();
            PubSub empty = PubSub.createPubsubPacket(dave, IQ.Type.set, new PublishItem<>(PepNodes.DEVICE_LIST,
                    new PayloadItem<>(PepNodes.ITEM_ID, new DeviceListElement(java.util.List.of()))));
            seed.createStanzaCollectorAndSend(empty).nextResultOrThrow();
            return dave;
        } finally {
            seed.disconnect();
        }
    }

    /** One run of the driver: a twomemo device of dave's, logged in and published. */
    private static final class Peer implements AutoCloseable {
        private final Process process;
        private final Writer in;
        private final BlockingQueue<String[]> lines = new LinkedBlockingQueue<>();
        final int deviceId;

        Peer(String python, XmppServers.Server server, BareJid dave) throws Exception {
            Path driver = Path.of("..", "protocol", "src", "test", "resources", "omemo2", "omemo2_xmpp_peer.py");
            deviceId = OmemoDeviceId.generate(new SecureRandom());
            process = new ProcessBuilder(python, driver.toString(), server.host, Integer.toString(server.port),
                    dave.toString(), server.password(dave.getLocalpartOrNull().toString()), Integer.toString(deviceId))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        lines.add(line.split("\t", -1));
                    }
                } catch (IOException e) {
                    lines.add(new String[] {"ERROR", "driver output: " + e});
                }
            }, "twomemo-peer-output");
            reader.setDaemon(true);
            reader.start();
            assertEquals("READY", next()[0], "the driver logged in and published");
        }

        String[] next() throws InterruptedException {
            String[] line = lines.poll(SottoParty.WAIT_MS * 2, TimeUnit.MILLISECONDS);
            assertNotNull(line, "the twomemo driver said nothing");
            if ("ERROR".equals(line[0])) {
                throw new AssertionError("twomemo driver: " + String.join(" ", line));
            }
            return line;
        }

        String[] send(BareJid to, int deviceId, String body) throws Exception {
            command("SEND\t" + to + "\t" + deviceId + "\t"
                    + Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)));
            String[] sent = next();
            assertEquals("SENT", sent[0]);
            return sent;
        }

        /** The next message dave's twomemo device decrypted: sender, key exchange or not, body and the affixes. */
        void expectMessage(BareJid from, boolean keyExchange, String body, BareJid to) throws InterruptedException {
            String[] m = next();
            assertEquals("MESSAGE", m[0]);
            assertEquals(from.toString(), m[1]);
            assertEquals(Boolean.toString(keyExchange), m[2], "key exchange until the peer answers");
            assertEquals(body, new String(Base64.getDecoder().decode(m[3]), StandardCharsets.UTF_8));
            assertEquals(to.toString(), m[4], "SCE to affix");
            assertEquals(from.toString(), m[5], "SCE from affix");
            assertEquals("true", m[6], "SCE rpad affix");
        }

        void cleanUp() throws Exception {
            command("CLEANUP");
            assertEquals("CLEANED", next()[0]);
        }

        private void command(String line) throws IOException {
            in.write(line + "\n");
            in.flush();
        }

        @Override
        public void close() throws Exception {
            try {
                command("QUIT");
            } catch (IOException e) {
                // already gone
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
