package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import im.sotto.xmpp.element.SottoEncrypted;
import im.sotto.xmpp.it.RelayedStanza.Direction;

import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The hostile relay itself on real servers: an honest rule lets Sotto work through it, it knows which connection is
 * whose, what it injects reaches the client as if the server sent it, and a cut drops every client, which can then
 * connect through it again.
 */
@ExtendWith(XmppServersExtension.class)
class HostileRelayIT {

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void relaysSottoKnowsItsLinksInjectsAndCuts(ServerKind kind, XmppServers servers) throws Exception {
        XmppServers.Server server = servers.get(kind);
        String s = UUID.randomUUID().toString().substring(0, 8);
        try (HostileRelay relay = new HostileRelay(server)) {
            SottoParty alice = new SottoParty().connect(server.connectionVia("alice", "a-" + s, relay.port()));
            SottoParty bob = new SottoParty().connect(server.connectionVia("bob", "b-" + s, relay.port()));
            alice.manager.send(StanzaBuilder.buildMessage().to(bob.connection.getUser()).setBody("through " + s)
                    .build()).get(20, TimeUnit.SECONDS);
            assertEquals("through " + s, ((Message) bob.next().stanza()).getBody());
            assertFalse(alice.connection.isSmEnabled(), "stream management is hidden by default");

            HostileRelay.Link bobLink = relay.link(bob.connection.getUser().toString());
            assertNotNull(bobLink, "the relay learned bob's bound JID");
            String aliceJid = alice.connection.getUser().toString();
            List<RelayedStanza> toBob = relay.seen(r -> r.link() == bobLink && r.toClient()
                    && r.name().equals("message") && aliceJid.equals(r.attribute("from")));
            assertEquals(3, toBob.size(), "bob received handshake 1, handshake 3 and, once he confirmed, the text");
            assertTrue(SottoPayload.count(toBob.get(1).xml(), SottoEncrypted.Kind.RATCHET) == 1,
                    "handshake 3 carries the first ratchet message");

            try (StanzaCollector plain = bob.connection.createStanzaCollector(StanzaTypeFilter.MESSAGE)) {
                relay.inject(bobLink, Direction.TO_CLIENT, "<message from='" + alice.connection.getUser()
                        + "' to='" + bob.connection.getUser() + "' type='chat' id='forged-" + s + "'>"
                        + "<body>injected " + s + "</body></message>");
                Message injected = plain.nextResult(5_000);
                assertNotNull(injected, "an injected stanza reaches the client as the server's");
                assertEquals("injected " + s, injected.getBody());
            }

            relay.cutAll();
            awaitDisconnected(alice);
            awaitDisconnected(bob);
            bob.connect(server.connectionVia("bob", "b2-" + s, relay.port()));
            assertTrue(bob.connection.isAuthenticated(), "a client connects through the relay again after a cut");
            bob.disconnect();
            alice.disconnect();
            assertTrue(relay.recorded().contains(SottoEncrypted.NAMESPACE), "the relay recorded the encrypted traffic");
        }
    }

    private static void awaitDisconnected(SottoParty party) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (party.connection.isConnected() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(party.connection.isConnected(), "the cut closed the client's connection");
    }
}
