package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.xmpp.OuterStanzas;
import im.sotto.xmpp.SottoTransportManager;
import im.sotto.xmpp.element.ExplicitEncryption;
import im.sotto.xmpp.element.ProcessingHint;
import im.sotto.xmpp.element.SottoEncrypted;
import im.sotto.xmpp.element.SottoEncryptedIq;
import im.sotto.xmpp.envelope.EnvelopeException;
import im.sotto.xmpp.envelope.OpenedStanza;
import im.sotto.xmpp.envelope.StanzaKind;

import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.AndFilter;
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
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.iqversion.packet.Version;
import javax.xml.namespace.QName;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.jxmpp.jid.Jid;

/**
 * Each stanza kind carried with its whole content in an envelope inside {@code <encrypted/>}, in both directions,
 * through real Prosody and ejabberd: proves the servers route them, keep our elements, and (for messages) store
 * them offline. The envelopes are not encrypted yet; see {@link UnencryptedCarrier}.
 */
@ExtendWith(XmppServersExtension.class)
class StanzaTransportIT {
    private static final long WAIT_MS = 10_000;
    private static final StanzaFilter SOTTO = new StanzaExtensionFilter(SottoEncrypted.ELEMENT, SottoEncrypted.NAMESPACE);
    private static final StanzaFilter SOTTO_IQ = new AndFilter(new StanzaTypeFilter(SottoEncryptedIq.class));

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void messageTravelsBothWaysInsideAnEnvelope(ServerKind kind, XmppServers servers) throws Exception {
        try (Pair pair = new Pair(servers.get(kind))) {
            sendMessageAndCheck(pair.alice, pair.bob, "hello Bob & <friends>");
            sendMessageAndCheck(pair.bob, pair.alice, "hello Alice, ünïcödé ✓");
        }
    }

    private static void sendMessageAndCheck(XMPPTCPConnection from, XMPPTCPConnection to, String text) throws Exception {
        StandardExtensionElement custom = StandardExtensionElement.builder("mood", "urn:example:sotto-test")
                .addAttribute("level", "3").addElement("note", "kept <inside>").build();
        Message inner = StanzaBuilder.buildMessage("m-" + System.nanoTime())
                .to(to.getUser()).ofType(Message.Type.chat)
                .setBody(text).setThread("thread-1").addExtension(custom).build();
        try (StanzaCollector inbox = to.createStanzaCollector(new AndFilter(SOTTO, StanzaTypeFilter.MESSAGE));
             StanzaCounter sent = new StanzaCounter(from, SOTTO);
             StanzaCounter received = new StanzaCounter(to, SOTTO)) {
            from.sendStanza(new UnencryptedCarrier(from).wrap(inner));
            Message outer = inbox.nextResult(WAIT_MS);
            assertNotNull(outer, "no encrypted message arrived");
            assertOuterMessageKeptOurElements(outer);

            OpenedStanza opened = new UnencryptedCarrier(to).open(outer);
            assertEquals(StanzaKind.MESSAGE, opened.kind());
            Message message = (Message) opened.stanza();
            assertEquals(text, message.getBody());
            assertEquals("thread-1", message.getThread());
            assertEquals(inner.getStanzaId(), message.getStanzaId());
            assertEquals(from.getUser(), message.getFrom());
            StandardExtensionElement mood = (StandardExtensionElement) message.getExtension(
                    new QName("urn:example:sotto-test", "mood"));
            assertNotNull(mood, "custom extension lost: " + message.toXML());
            assertEquals("3", mood.getAttributeValue("level"));
            assertEquals("kept <inside>", mood.getFirstElement("note").getText());
            sent.settle();
            received.settle();
            assertEquals(1, sent.sent(), "a message costs one stanza out");
            assertEquals(1, received.received(), "a message costs one stanza in");
            System.out.printf("message %s -> %s: %s / %s%n", from.getUser(), to.getUser(), sent, received);
        }
    }

    private static void assertOuterMessageKeptOurElements(Message outer) {
        assertNotNull(outer.getExtension(SottoEncrypted.class), "server stripped <encrypted/>");
        assertEquals(ExplicitEncryption.SOTTO, outer.getExtension(ExplicitEncryption.class), "server stripped the EME hint");
        assertEquals(OuterStanzas.FALLBACK_BODY, outer.getBody());
        assertNotNull(outer.getExtension(ProcessingHint.STORE.qname()), "server stripped the store hint");
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void directedPresenceTravelsBothWaysInsideAnEnvelope(ServerKind kind, XmppServers servers) throws Exception {
        try (Pair pair = new Pair(servers.get(kind))) {
            sendPresenceAndCheck(pair.alice, pair.bob, "in a meeting");
            sendPresenceAndCheck(pair.bob, pair.alice, "back at 3");
        }
    }

    private static void sendPresenceAndCheck(XMPPTCPConnection from, XMPPTCPConnection to, String status) throws Exception {
        Presence inner = StanzaBuilder.buildPresence("p-" + System.nanoTime())
                .to(to.getUser()).setStatus(status).setMode(Presence.Mode.away).setPriority(5).build();
        try (StanzaCollector inbox = to.createStanzaCollector(new AndFilter(SOTTO, StanzaTypeFilter.PRESENCE));
             StanzaCounter sent = new StanzaCounter(from, SOTTO)) {
            from.sendStanza(new UnencryptedCarrier(from).wrap(inner));
            Presence outer = inbox.nextResult(WAIT_MS);
            assertNotNull(outer, "no encrypted presence arrived");
            assertEquals(null, outer.getStatus(), "the status must not be visible outside");
            Presence presence = (Presence) new UnencryptedCarrier(to).open(outer).stanza();
            assertEquals(status, presence.getStatus());
            assertEquals(Presence.Mode.away, presence.getMode());
            assertEquals(5, presence.getPriority());
            assertEquals(from.getUser(), presence.getFrom());
            assertEquals(1, sent.settle().sent(), "a directed presence costs one stanza");
        }
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void iqGetIsAnsweredByAnEncryptedResultBothWays(ServerKind kind, XmppServers servers) throws Exception {
        try (Pair pair = new Pair(servers.get(kind))) {
            answerVersionRequests(pair.bob, "Bob's client");
            answerVersionRequests(pair.alice, "Alice's client");
            askVersion(pair.alice, pair.bob.getUser(), "Bob's client");
            askVersion(pair.bob, pair.alice.getUser(), "Alice's client");
        }
    }

    /** The responder opens the request, answers the inner query, and seals the answer the same way. */
    private static void answerVersionRequests(XMPPTCPConnection connection, String name) {
        UnencryptedCarrier carrier = new UnencryptedCarrier(connection);
        SottoTransportManager.getInstanceFor(connection).setEncryptedIqHandler(request -> {
            try {
                IQ inner = (IQ) carrier.open(request).stanza();
                if (!(inner instanceof Version) || inner.getType() != IQ.Type.get) {
                    return IQ.createErrorResponse(request, org.jivesoftware.smack.packet.StanzaError.Condition.bad_request);
                }
                Version answer = Version.createResultFor(inner, new Version(name, "0.1"));
                return carrier.wrap(answer);
            } catch (EnvelopeException e) {
                return IQ.createErrorResponse(request, org.jivesoftware.smack.packet.StanzaError.Condition.not_acceptable);
            }
        });
    }

    private static void askVersion(XMPPTCPConnection asker, Jid responder, String expectedName) throws Exception {
        Version request = new Version(responder);
        try (StanzaCounter counter = new StanzaCounter(asker, SOTTO_IQ)) {
            SottoEncryptedIq outerRequest = new UnencryptedCarrier(asker).wrap(request);
            IQ outerResult = asker.createStanzaCollectorAndSend(outerRequest).nextResultOrThrow(WAIT_MS);
            assertTrue(outerResult instanceof SottoEncryptedIq, "the result is not encrypted: " + outerResult.toXML());
            Stanza inner = new UnencryptedCarrier(asker).open(outerResult).stanza();
            assertTrue(inner instanceof Version, "not a version result: " + inner.toXML());
            assertEquals(IQ.Type.result, ((IQ) inner).getType());
            assertEquals(expectedName, ((Version) inner).getName());
            counter.settle();
            assertEquals(1, counter.sent(), "an iq round trip costs one stanza out");
            assertEquals(1, counter.received(), "and one stanza in");
            System.out.printf("iq %s -> %s: %s%n", asker.getUser(), responder, counter);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void sottoFeatureIsAdvertisedInDisco(ServerKind kind, XmppServers servers) throws Exception {
        try (Pair pair = new Pair(servers.get(kind))) {
            SottoTransportManager.getInstanceFor(pair.alice);
            // Asked on the wire (node null), not answered from the entity-caps cache, which may still hold alice's
            // features from before Sotto was enabled until her updated presence arrives.
            assertTrue(ServiceDiscoveryManager.getInstanceFor(pair.bob)
                    .discoverInfo(pair.alice.getUser(), null).containsFeature(SottoTransportManager.FEATURE));
        }
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void messageToOfflineBobIsStoredAndDeliveredAtLogin(ServerKind kind, XmppServers servers) throws Exception {
        try (Pair pair = new Pair(servers.get(kind))) {
            Jid bob = pair.bob.getUser().asBareJid();
            pair.bob.disconnect();
            String text = "while you were away " + System.nanoTime();
            Message inner = StanzaBuilder.buildMessage().to(bob).ofType(Message.Type.chat).setBody(text).build();
            try (StanzaCounter sent = new StanzaCounter(pair.alice, SOTTO)) {
                pair.alice.sendStanza(new UnencryptedCarrier(pair.alice).wrap(inner));
                // A round trip to the server guarantees it processed (and stored) the message before Bob returns.
                ServiceDiscoveryManager.getInstanceFor(pair.alice).discoverInfo(pair.alice.getUser().asDomainBareJid());
                assertEquals(1, sent.settle().sent(), "an offline message costs one stanza out");
            }

            XMPPTCPConnection bobAgain = servers.get(kind).connection("bob", pair.bobResource + "-2");
            pair.bob = bobAgain;
            try (StanzaCollector inbox = bobAgain.createStanzaCollector(new AndFilter(SOTTO, StanzaTypeFilter.MESSAGE));
                 StanzaCounter received = new StanzaCounter(bobAgain, SOTTO)) {
                Pair.login(bobAgain);
                Message outer = null;
                for (Message next; (next = inbox.nextResult(WAIT_MS)) != null; ) {
                    if (text.equals(bodyOf(bobAgain, next))) {
                        outer = next;
                        break;
                    }
                }
                assertNotNull(outer, "the offline message never arrived");
                assertOuterMessageKeptOurElements(outer);
                assertEquals(pair.alice.getUser(), outer.getFrom());
                System.out.printf("offline message on %s: %d Sotto stanzas received at login%n", kind,
                        received.settle().received());
            }
        }
    }

    private static String bodyOf(XMPPTCPConnection connection, Message outer) throws EnvelopeException {
        return ((Message) new UnencryptedCarrier(connection).open(outer).stanza()).getBody();
    }
}
