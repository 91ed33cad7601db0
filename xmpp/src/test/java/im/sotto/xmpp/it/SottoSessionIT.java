package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import im.sotto.harness.RecordingRelay;
import im.sotto.harness.Secrets;
import im.sotto.protocol.trust.TrustLevel;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SendFailure;
import im.sotto.xmpp.UndecryptableReason;
import im.sotto.xmpp.SessionOrigin;
import im.sotto.xmpp.SottoSendException;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.filter.StanzaExtensionFilter;
import org.jivesoftware.smack.filter.StanzaFilter;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.iqversion.packet.Version;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.jxmpp.jid.Jid;

/**
 * SottoManager end to end on real Prosody and ejabberd: sessions made online and offline, all three stanza kinds
 * both ways, offline storage, reconnects, duplicates, malformed elements, a peer without Sotto, and what the server
 * saw (every byte through a recording relay, and its stored offline data).
 */
@ExtendWith(XmppServersExtension.class)
class SottoSessionIT {
    private static final StanzaFilter SOTTO = new StanzaExtensionFilter(SottoEncrypted.ELEMENT, SottoEncrypted.NAMESPACE);

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static Message chat(Jid to, String body) {
        return StanzaBuilder.buildMessage().to(to).ofType(Message.Type.chat).setBody(body).build();
    }

    /**
     * Online path: alice's first message to bob's full JID makes a session in three Sotto stanzas (handshake 1 and
     * 2, then handshake 3 with an empty ratchet message); bob's confirmation lets the message go as the fifth; then
     * messages, directed presence and iq travel both ways.
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void allThreeStanzaKindsTravelBothWaysAfterAnOnlineHandshake(ServerKind kind, XmppServers servers) throws Exception {
        XmppServers.Server server = servers.get(kind);
        String s = suffix();
        SottoParty alice = new SottoParty().connect(server.connection("alice", "a-" + s));
        SottoParty bob = new SottoParty().connect(server.connection("bob", "b-" + s));
        try {
            bob.manager.setIqRequestHandler(request -> Version.createResultFor((IQ) request.stanza(),
                    new Version("bob's client", "1.0")));
            alice.manager.setIqRequestHandler(request -> Version.createResultFor((IQ) request.stanza(),
                    new Version("alice's client", "2.0")));
            try (StanzaCounter aliceSotto = new StanzaCounter(alice.connection, SOTTO);
                 StanzaCounter bobSotto = new StanzaCounter(bob.connection, SOTTO)) {
                alice.manager.send(chat(bob.connection.getUser(), "hello bob")).get(20, TimeUnit.SECONDS);
                DecryptedStanza first = bob.next();
                assertEquals("hello bob", ((Message) first.stanza()).getBody());
                assertEquals(alice.connection.getUser(), first.stanza().getFrom());
                assertEquals(SessionOrigin.ONLINE_HANDSHAKE, first.origin());
                assertEquals(TrustLevel.UNVERIFIED, first.trust());
                assertTrue(first.authenticated() && first.deviceApproved());
                assertEquals(alice.account.fingerprint(), first.accountFingerprint().orElseThrow());
                String bobSas = first.sas().orElseThrow();
                var established = alice.awaitEvent(SecurityEvent.SessionEstablished.class, e -> true);
                assertEquals(bobSas, established.sas().orElseThrow(), "both sides show the same SAS");
                aliceSotto.settle();
                bobSotto.settle();
                System.out.printf("%s online session + first message: alice %s, bob %s%n", kind, aliceSotto, bobSotto);
                // The message waits until bob's first ratchet message shows that he stored the session (issue #23):
                // a bob that died after handshake 2 would otherwise lose everything alice sent under it.
                assertEquals(3, aliceSotto.sent(), "alice sends handshake 1, handshake 3 (with an empty ratchet "
                        + "message) and, once confirmed, the message");
                assertEquals(2, aliceSotto.received(), "alice receives handshake 2 and bob's confirmation");
                assertEquals(5, aliceSotto.sent() + aliceSotto.received(), "5 stanzas in all, data in the fifth");
            }

            try (StanzaCounter bobSotto = new StanzaCounter(bob.connection, SOTTO)) {
                bob.manager.send(chat(alice.connection.getUser(), "hi alice")).get(20, TimeUnit.SECONDS);
                assertEquals("hi alice", ((Message) alice.next().stanza()).getBody());
                assertEquals(1, bobSotto.settle().sent(), "a message in a session costs one stanza");
            }

            sendPresence(alice, bob, "in a meeting");
            sendPresence(bob, alice, "back at 3");

            IQ answer = alice.manager.sendIq(versionRequest(bob.connection.getUser())).get(20, TimeUnit.SECONDS);
            assertEquals("bob's client", ((Version) answer).getName());
            IQ answerBack = bob.manager.sendIq(versionRequest(alice.connection.getUser())).get(20, TimeUnit.SECONDS);
            assertEquals("alice's client", ((Version) answerBack).getName());
            assertEquals(IQ.Type.result, answerBack.getType());
        } finally {
            alice.disconnect();
            bob.disconnect();
        }
    }

    private static Version versionRequest(Jid to) {
        Version request = new Version();
        request.setTo(to);
        request.setType(IQ.Type.get);
        return request;
    }

    private static void sendPresence(SottoParty from, SottoParty to, String status) throws Exception {
        Presence presence = StanzaBuilder.buildPresence().to(to.connection.getUser()).setStatus(status)
                .setMode(Presence.Mode.away).build();
        from.manager.send(presence).get(20, TimeUnit.SECONDS);
        DecryptedStanza received = to.next();
        Presence opened = assertInstanceOf(Presence.class, received.stanza());
        assertEquals(status, opened.getStatus());
        assertEquals(Presence.Mode.away, opened.getMode());
        assertEquals(from.connection.getUser(), opened.getFrom());
    }

    /**
     * Offline path, with the server in view: bob publishes and logs out; alice sends two messages to his bare JID
     * (a first message from his bundle: one stanza, then a ratchet message); the server's stored offline data and
     * every byte of both client connections hold no plaintext, key or certificate; bob logs in and reads both; the
     * second, sent again, is reported as a duplicate and not delivered twice; bob's first reply proves him to alice.
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void offlineMessagesAreReadAfterLoginOnceAndTheServerSeesNoSecret(ServerKind kind, XmppServers servers)
            throws Exception {
        XmppServers.Server server = servers.get(kind);
        String s = suffix();
        try (RecordingRelay relay = new RecordingRelay("127.0.0.1", portOf(server))) {
            SottoParty alice = new SottoParty().connect(server.connectionVia("alice", "a-" + s, relay.port()));
            SottoParty bob = new SottoParty().connect(server.connectionVia("bob", "b-" + s, relay.port()));
            Jid bobAccount = bob.connection.getUser().asBareJid();
            bob.disconnect();
            Secrets secrets = new Secrets().account("alice", alice.account.identity(), alice.account.device())
                    .account("bob", bob.account.identity(), bob.account.device())
                    .text("first plaintext", "meet me at the old mill " + s)
                    .text("second plaintext", "bring the blue folder " + s)
                    .text("reply plaintext", "see you there " + s);
            List<Stanza> aliceSent = new CopyOnWriteArrayList<>();
            alice.connection.addStanzaSendingListener(aliceSent::add, SOTTO);
            try (StanzaCounter aliceSotto = new StanzaCounter(alice.connection, SOTTO)) {
                alice.manager.send(chat(bobAccount, "meet me at the old mill " + s)).get(20, TimeUnit.SECONDS);
                assertEquals(1, aliceSotto.settle().sent(), "an offline first message costs one stanza");
                assertEquals(0, aliceSotto.received());
            }
            alice.manager.send(chat(bobAccount, "bring the blue folder " + s)).get(20, TimeUnit.SECONDS);

            String stored = awaitStoredOfflineData(server);
            assertEquals(List.of(), secrets.foundIn(stored), kind + "'s stored data reveals secrets");

            XMPPTCPConnection again = server.connectionVia("bob", "b2-" + s, relay.port());
            bob.connect(again);
            DecryptedStanza first = bob.next();
            DecryptedStanza second = bob.next();
            assertEquals("meet me at the old mill " + s, ((Message) first.stanza()).getBody());
            assertEquals("bring the blue folder " + s, ((Message) second.stanza()).getBody());
            assertEquals(SessionOrigin.OFFLINE_FIRST_MESSAGE, first.origin());
            assertEquals(TrustLevel.UNVERIFIED, first.trust());
            assertTrue(first.authenticated(), "alice's first message carries her certificate");

            Stanza resent = aliceSent.get(aliceSent.size() - 1);
            alice.connection.sendStanza(resent);
            var duplicate = bob.awaitEvent(SecurityEvent.UndecryptableStanza.class,
                    e -> e.reason() == UndecryptableReason.DUPLICATE);
            assertEquals(alice.connection.getUser(), duplicate.from());
            assertNull(bob.inbox.poll(1, TimeUnit.SECONDS), "a duplicate must not be delivered again");

            bob.manager.send(chat(alice.connection.getUser(), "see you there " + s)).get(20, TimeUnit.SECONDS);
            DecryptedStanza reply = alice.next();
            assertEquals("see you there " + s, ((Message) reply.stanza()).getBody());
            assertEquals(TrustLevel.UNVERIFIED, reply.trust());
            assertTrue(reply.authenticated(), "the first reply proved bob's account");
            assertEquals(bob.account.fingerprint(), reply.accountFingerprint().orElseThrow());

            alice.disconnect();
            bob.disconnect();
            String wire = relay.recorded();
            assertTrue(wire.contains(SottoEncrypted.NAMESPACE), "the relay recorded the conversation");
            assertEquals(1, new Secrets().text("fallback body", im.sotto.xmpp.OuterStanzas.FALLBACK_BODY).foundIn(wire)
                    .size(), "control: the scan finds text that is on the wire");
            assertEquals(List.of(), secrets.foundIn(wire), "the client-to-server bytes reveal secrets");
            System.out.printf("%s relay recorded %d bytes; stored data %d bytes%n", kind, relay.size(), stored.length());
        }
    }

    private static int portOf(XmppServers.Server server) {
        return server.port;
    }

    /** The server's data directory once it holds our offline message (the servers write it asynchronously). */
    private static String awaitStoredOfflineData(XmppServers.Server server) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        String data = "";
        while (System.nanoTime() < deadline) {
            data = Secrets.readTree(server.dataDirectory());
            if (data.contains(SottoEncrypted.NAMESPACE)) {
                return data;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the server stored no Sotto offline message under " + server.dataDirectory());
    }

    /** Bob reconnects mid-conversation on a new resource: the session lives in his store, no new handshake. */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void conversationContinuesAfterAReconnect(ServerKind kind, XmppServers servers) throws Exception {
        XmppServers.Server server = servers.get(kind);
        String s = suffix();
        SottoParty alice = new SottoParty().connect(server.connection("alice", "a-" + s));
        SottoParty bob = new SottoParty().connect(server.connection("bob", "b-" + s));
        try {
            alice.manager.send(chat(bob.connection.getUser(), "before")).get(20, TimeUnit.SECONDS);
            assertEquals("before", ((Message) bob.next().stanza()).getBody());
            bob.disconnect();
            bob.connect(server.connection("bob", "b-again-" + s));
            try (StanzaCounter aliceSotto = new StanzaCounter(alice.connection, SOTTO)) {
                alice.manager.send(chat(bob.connection.getUser(), "after")).get(20, TimeUnit.SECONDS);
                assertEquals("after", ((Message) bob.next().stanza()).getBody());
                assertEquals(1, aliceSotto.settle().sent(), "no new handshake: one stanza");
                assertEquals(0, aliceSotto.received());
            }
            bob.manager.send(chat(alice.connection.getUser(), "still here")).get(20, TimeUnit.SECONDS);
            assertEquals("still here", ((Message) alice.next().stanza()).getBody());
        } finally {
            alice.disconnect();
            bob.disconnect();
        }
    }

    /** A malformed Sotto element is reported as MALFORMED; the connection survives and the next message arrives. */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void malformedElementIsReportedAndTheConnectionSurvives(ServerKind kind, XmppServers servers) throws Exception {
        XmppServers.Server server = servers.get(kind);
        String s = suffix();
        SottoParty alice = new SottoParty().connect(server.connection("alice", "a-" + s));
        SottoParty bob = new SottoParty().connect(server.connection("bob", "b-" + s));
        try {
            StandardExtensionElement bogus = StandardExtensionElement.builder(SottoEncrypted.ELEMENT,
                    SottoEncrypted.NAMESPACE).addAttribute("kind", "bogus").setText("AAAA").build();
            alice.connection.sendStanza(StanzaBuilder.buildMessage().to(bob.connection.getUser())
                    .addExtension(bogus).build());
            bob.awaitEvent(SecurityEvent.UndecryptableStanza.class,
                    e -> e.reason() == UndecryptableReason.MALFORMED);
            assertTrue(bob.connection.isConnected(), "the connection must survive a malformed element");
            alice.manager.send(chat(bob.connection.getUser(), "still fine")).get(20, TimeUnit.SECONDS);
            assertEquals("still fine", ((Message) bob.next().stanza()).getBody());
        } finally {
            alice.disconnect();
            bob.disconnect();
        }
    }

    /** A peer with no Sotto at all: the send fails with a clear reason and the peer receives nothing. */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void peerWithoutSottoGetsNothingAndTheSendFailsClearly(ServerKind kind, XmppServers servers) throws Exception {
        XmppServers.Server server = servers.get(kind);
        String s = suffix();
        SottoParty alice = new SottoParty().connect(server.connection("alice", "a-" + s));
        XMPPTCPConnection carol = Pair.login(server.connection("carol", "c-" + s));
        try (var carolInbox = carol.createStanzaCollector(StanzaTypeFilter.MESSAGE)) {
            ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> alice.manager.send(chat(carol.getUser(), "secret for carol")).get(30, TimeUnit.SECONDS));
            SottoSendException cause = assertInstanceOf(SottoSendException.class, failure.getCause());
            assertEquals(SendFailure.PEER_HAS_NO_SOTTO, cause.reason());
            alice.awaitEvent(SecurityEvent.SendFailed.class,
                    e -> e.reason() == SendFailure.PEER_HAS_NO_SOTTO);
            assertNull(carolInbox.nextResult(1000), "nothing may reach a peer without Sotto");
        } finally {
            alice.disconnect();
            carol.disconnect();
        }
    }
}
