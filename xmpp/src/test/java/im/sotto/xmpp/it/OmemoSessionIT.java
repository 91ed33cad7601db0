package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import im.sotto.protocol.omemo.OmemoFailure;
import im.sotto.protocol.omemo.OmemoLimits;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SessionOrigin;
import im.sotto.xmpp.omemo.AxolotlDeviceList;
import im.sotto.xmpp.omemo.AxolotlEncrypted;
import im.sotto.xmpp.omemo.OmemoPep;
import im.sotto.xmpp.omemo.OmemoReceipt;
import im.sotto.xmpp.pep.DeviceListElement;
import im.sotto.xmpp.pep.PepNodes;

import org.jivesoftware.smack.filter.StanzaExtensionFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PublishItem;
import org.jivesoftware.smackx.pubsub.packet.PubSub;
import org.jxmpp.jid.BareJid;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * OMEMO 0.3 through the binding on real servers: a Sotto user (manager with OMEMO on) and a contact with OMEMO only.
 * The Sotto user's ordinary {@code send} picks OMEMO because the contact has no Sotto; both directions arrive
 * decrypted exactly once, labelled OMEMO; redelivery, a malformed element and a downgrade are refused, typed.
 */
@ExtendWith(XmppServersExtension.class)
class OmemoSessionIT {
    private static final long QUIET_MS = 1500;

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void sottoAndAnOmemoOnlyContactTalkBothWaysLabelledOmemo(ServerKind kind, XmppServers servers) throws Exception {
        XmppServers.Server server = servers.get(kind);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        SottoParty alice = new SottoParty();
        try (OmemoParty bob = new OmemoParty(server.connection("bob", "o-" + suffix))) {
            alice.connect(server.connection("alice", "a-" + suffix));
            alice.manager.omemo().enable();
            alice.manager.omemo().publishOrThrow();
            BareJid bobJid = bob.connection.getUser().asBareJid();
            BareJid aliceJid = alice.connection.getUser().asBareJid();

            AxolotlDeviceList published = new OmemoPep(bob.connection).fetchDeviceList(aliceJid);
            assertTrue(published.devices().contains(alice.manager.omemo().deviceId()), published.devices().toString());

            for (int round = 0; round < 3; round++) {
                String text = "hello OMEMO " + round + " \u00e9\u4e16";
                alice.manager.send(chat(bobJid, text)).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
                DecryptedStanza atBob = bob.next();
                assertEquals(SessionOrigin.OMEMO, atBob.origin());
                assertEquals(text, ((Message) atBob.stanza()).getBody());
                assertEquals(aliceJid, atBob.peer());

                String reply = "reply " + round;
                bob.send(chat(aliceJid, reply));
                DecryptedStanza atAlice = alice.next();
                assertEquals(SessionOrigin.OMEMO, atAlice.origin(), "labelled OMEMO, never as Sotto");
                assertEquals(reply, ((Message) atAlice.stanza()).getBody());
                assertEquals(bob.omemo.deviceId(), atAlice.deviceId());
            }
            assertNull(bob.inbox.poll(QUIET_MS, TimeUnit.MILLISECONDS), "each message exactly once");
            assertNull(alice.inbox.poll(10, TimeUnit.MILLISECONDS), "each message exactly once");
            assertTrue(alice.manager.omemo().devices(bobJid).stream().anyMatch(d -> d.deviceId() == bob.omemo.deviceId()
                    && d.hasSession() && d.level() == im.sotto.protocol.omemo.OmemoTrustLevel.BLIND),
                    "Bob's device is known, blindly trusted, with a session");
        } finally {
            alice.disconnect();
        }
    }

    /**
     * Our own other OMEMO device (a phone on the same account) gets a key in every message we send, and can read it:
     * the stanza as sent, handed to that device as a carbon would bring it, decrypts to the same body.
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void ourOtherOmemoDeviceGetsACopyItCanRead(ServerKind kind, XmppServers servers) throws Exception {
        XmppServers.Server server = servers.get(kind);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        SottoParty alice = new SottoParty();
        try (OmemoParty alicePhone = new OmemoParty(server.connection("alice", "phone-" + suffix));
                OmemoParty bob = new OmemoParty(server.connection("bob", "o-" + suffix))) {
            alice.connect(server.connection("alice", "a-" + suffix));
            alice.manager.omemo().enable();
            alice.manager.omemo().publishOrThrow();
            BlockingQueue<Message> sent = new LinkedBlockingQueue<>();
            alice.connection.addStanzaSendingListener(st -> sent.add((Message) st),
                    new StanzaExtensionFilter(AxolotlEncrypted.ELEMENT, AxolotlEncrypted.NAMESPACE));
            BareJid bobJid = bob.connection.getUser().asBareJid();
            alice.manager.send(chat(bobJid, "one for Bob, a copy for my phone")).get(SottoParty.WAIT_MS,
                    TimeUnit.MILLISECONDS);
            assertEquals("one for Bob, a copy for my phone", ((Message) bob.next().stanza()).getBody());
            Message out = sent.poll(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
            java.util.List<Integer> rids = out.getExtension(AxolotlEncrypted.class).message().orElseThrow().keys()
                    .stream().map(im.sotto.protocol.omemo.EncryptedKey::recipientDeviceId).toList();
            assertTrue(rids.contains(alicePhone.omemo.deviceId()), "a key for our phone: " + rids);
            assertTrue(rids.contains(bob.omemo.deviceId()), "a key for Bob: " + rids);
            Message asCarbon = out.asBuilder().from(alice.connection.getUser()).build();
            OmemoReceipt atPhone = alicePhone.worker.submit(() -> alicePhone.omemo.receive(asCarbon)).get();
            DecryptedStanza copy = assertInstanceOf(OmemoReceipt.Delivered.class, atPhone).stanza();
            assertEquals("one for Bob, a copy for my phone", ((Message) copy.stanza()).getBody());
        } finally {
            alice.disconnect();
        }
    }

    /** The attack: the server (or anyone) delivers the same OMEMO stanza again; then a malformed element. */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aRedeliveredMessageAndAMalformedElementAreRefusedTypedAndChangeNothing(ServerKind kind, XmppServers servers)
            throws Exception {
        XmppServers.Server server = servers.get(kind);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        try (OmemoParty alice = new OmemoParty(server.connection("alice", "o-" + suffix));
                OmemoParty bob = new OmemoParty(server.connection("bob", "o-" + suffix))) {
            BlockingQueue<Message> raw = new LinkedBlockingQueue<>();
            bob.connection.addSyncStanzaListener(s -> raw.add((Message) s),
                    new StanzaExtensionFilter(AxolotlEncrypted.ELEMENT, AxolotlEncrypted.NAMESPACE));
            BareJid bobJid = bob.connection.getUser().asBareJid();
            alice.send(chat(bobJid, "first, a prekey message"));
            assertEquals("first, a prekey message", ((Message) bob.next().stanza()).getBody());
            Message captured = raw.poll(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
            byte[] sessionBefore = sessionRecord(bob, alice);
            int preKeysBefore = bob.store.transact(s -> s.omemo().preKeys()
                    .ids(im.sotto.protocol.omemo.OmemoPreKeyKind.ONE_TIME)).size();
            assertEquals(OmemoLimits.ONE_TIME_PREKEYS, preKeysBefore, "the used prekey was replaced");

            OmemoReceipt again = bob.worker.submit(() -> bob.omemo.receive(captured)).get();
            assertEquals(OmemoFailure.DUPLICATE, assertInstanceOf(OmemoReceipt.Refused.class, again).reason());
            assertTrue(java.util.Arrays.equals(sessionBefore, sessionRecord(bob, alice)), "no state change");
            assertNull(bob.inbox.poll(QUIET_MS, TimeUnit.MILLISECONDS), "not delivered twice");

            alice.connection.sendNonza(new RawXml("<message type='chat' id='bad-" + suffix + "' to='"
                    + bob.connection.getUser() + "'><encrypted xmlns='eu.siacs.conversations.axolotl'>"
                    + "<header sid='-5'><iv>AAAA</iv></header><payload>AAAA</payload></encrypted></message>"));
            SecurityEvent.OmemoUndecryptable refused = awaitMalformed(bob);
            assertEquals(OmemoFailure.MALFORMED, refused.reason());
            alice.send(chat(bobJid, "still fine"));
            assertEquals("still fine", ((Message) bob.next().stanza()).getBody(), "the connection and session live on");
        }
    }

    /**
     * Stickiness, the attack of a relay that hides a Sotto contact's Sotto (here its Sotto device list is emptied
     * and the sessions are gone) while the contact publishes OMEMO: the Sotto user is not moved to OMEMO; a loud
     * event says so and nothing reaches the OMEMO device.
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aContactSeenWithSottoIsNotSilentlyMovedToOmemo(ServerKind kind, XmppServers servers) throws Exception {
        XmppServers.Server server = servers.get(kind);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        SottoParty alice = new SottoParty();
        SottoParty bob = new SottoParty();
        try {
            alice.connect(server.connection("alice", "a-" + suffix));
            bob.connect(server.connection("bob", "b-" + suffix));
            BareJid bobJid = bob.connection.getUser().asBareJid();
            alice.manager.send(chat(bobJid, "a Sotto message")).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
            DecryptedStanza sotto = bob.next();
            assertTrue(sotto.origin() != SessionOrigin.OMEMO);
            BareJid aliceJid = alice.connection.getUser().asBareJid();
            bob.manager.send(chat(aliceJid, "a Sotto answer")).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
            assertTrue(alice.next().origin() != SessionOrigin.OMEMO);
            assertTrue(alice.manager.trustLevel(bobJid).isPresent(), "Bob's Sotto account key is pinned");

            bob.manager.omemo().enable();
            bob.manager.omemo().publishOrThrow();
            PubSub empty = PubSub.createPubsubPacket(bobJid, IQ.Type.set, new PublishItem<>(PepNodes.DEVICE_LIST,
                    new PayloadItem<>(PepNodes.ITEM_ID, new DeviceListElement(java.util.List.of()))));
            bob.connection.createStanzaCollectorAndSend(empty).nextResultOrThrow();
            alice.account.store().transact(s -> {
                for (var a : s.sessions().devices(bobJid.toString())) {
                    s.sessions().delete(a);
                }
                return null;
            });
            alice.manager.omemo().enable();

            alice.manager.send(chat(bobJid, "must not go out by OMEMO"));
            SecurityEvent.OmemoDowngradeRefused loud = alice.awaitEvent(SecurityEvent.OmemoDowngradeRefused.class,
                    e -> e.peer().equals(bobJid));
            assertTrue(loud.omemoDevices() >= 1, "it names the OMEMO devices it refused to use");
            DecryptedStanza arrived = bob.inbox.poll(QUIET_MS, TimeUnit.MILLISECONDS);
            assertTrue(arrived == null || arrived.origin() != SessionOrigin.OMEMO, "nothing went out by OMEMO");
            assertTrue(alice.manager.omemo().devices(bobJid).isEmpty(), "no OMEMO session was even built");
        } finally {
            alice.disconnect();
            bob.disconnect();
        }
    }

    /**
     * One stanza for a contact with a Sotto device and an OMEMO 0.3-only device (a Conversations phone; here the
     * binding alone, on bob's account; docs/protocol.md 10.13), on Prosody only to keep CI short: once alice verified
     * the phone, each message reaches both, the phone by the OMEMO 0.3 element, the laptop by Sotto's, once, with no
     * report about the element beside it; what the phone answers is shown by alice, labelled OMEMO.
     */
    @org.junit.jupiter.api.Test
    void aContactWithASottoDeviceAndAnOmemo03OnlyDeviceReadsEachMessageOnBoth(XmppServers servers) throws Exception {
        XmppServers.Server server = servers.get(ServerKind.PROSODY);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        SottoParty alice = new SottoParty();
        SottoParty laptop = new SottoParty();
        // The phone first: it unlists the Sotto devices earlier tests left on the account; the laptop lists itself.
        try (OmemoParty phone = new OmemoParty(server.connection("bob", "phone-" + suffix))) {
            // the phone is verified between two sends
            alice.connectCheckingOmemoDevicesAtEverySend(server.connection("alice", "a-" + suffix));
            alice.manager.omemo().enable();
            laptop.connect(server.connection("bob", "laptop-" + suffix));
            laptop.manager.omemo().enable();
            alice.awaitOmemoSideOf(laptop);
            BareJid bob = laptop.connection.getUser().asBareJid();
            BareJid aliceJid = alice.connection.getUser().asBareJid();
            alice.manager.send(chat(bob, "hello " + suffix)).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
            assertEquals("hello " + suffix, ((Message) laptop.next().stanza()).getBody());
            laptop.manager.send(chat(aliceJid, "hi " + suffix)).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
            assertEquals("hi " + suffix, ((Message) alice.next().stanza()).getBody());

            int phoneId = phone.omemo.deviceId();
            alice.manager.send(chat(bob, "unverified " + suffix)).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
            assertEquals("OMEMO", alice.awaitEvent(SecurityEvent.OmemoDevicesNotApproved.class,
                    e -> e.device(phoneId).isPresent()).version());
            assertEquals("unverified " + suffix, ((Message) laptop.next().stanza()).getBody());
            assertTrue(alice.manager.omemo().setTrust(bob, phoneId, im.sotto.protocol.omemo.OmemoTrustLevel.VERIFIED));

            String both = "to the laptop and the phone " + suffix;
            alice.manager.send(chat(bob, both)).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
            DecryptedStanza atPhone = phone.next();
            assertEquals(both, ((Message) atPhone.stanza()).getBody(), "the first thing the phone reads");
            assertEquals(SessionOrigin.OMEMO, atPhone.origin());
            DecryptedStanza atLaptop = laptop.next();
            assertEquals(both, ((Message) atLaptop.stanza()).getBody());
            assertTrue(atLaptop.origin() != SessionOrigin.OMEMO && atLaptop.origin() != SessionOrigin.OMEMO_2);
            assertNull(laptop.inbox.poll(QUIET_MS, TimeUnit.MILLISECONDS), "once on the laptop");
            assertTrue(laptop.events.stream().noneMatch(e -> e instanceof SecurityEvent.OmemoUndecryptable),
                    laptop.events.toString());

            phone.send(chat(aliceJid, "from the phone " + suffix));
            DecryptedStanza answer = alice.next();
            assertEquals("from the phone " + suffix, ((Message) answer.stanza()).getBody());
            assertEquals(SessionOrigin.OMEMO, answer.origin());
            assertEquals(bob, answer.peer());
        } finally {
            laptop.disconnect();
            alice.disconnect();
        }
    }

    private static SecurityEvent.OmemoUndecryptable awaitMalformed(OmemoParty party) throws InterruptedException {
        long deadline = System.nanoTime() + SottoParty.WAIT_MS * 1_000_000;
        while (System.nanoTime() < deadline) {
            synchronized (party.events) {
                for (SecurityEvent e : party.events) {
                    if (e instanceof SecurityEvent.OmemoUndecryptable u && u.reason() == OmemoFailure.MALFORMED) {
                        return u;
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no MALFORMED OmemoUndecryptable; events: " + party.events);
    }

    private static byte[] sessionRecord(OmemoParty owner, OmemoParty peer) {
        im.sotto.protocol.store.SessionAddress address = new im.sotto.protocol.store.SessionAddress(
                peer.connection.getUser().asBareJid().toString(), peer.omemo.deviceId());
        return owner.store.transact(s -> s.omemo().sessions().load(address).orElseThrow());
    }

    private static Message chat(BareJid to, String body) {
        return StanzaBuilder.buildMessage().to(to).ofType(Message.Type.chat).setBody(body).build();
    }
}
