package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SessionOrigin;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.filter.StanzaExtensionFilter;
import org.jivesoftware.smack.filter.StanzaFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.jxmpp.jid.Jid;

/**
 * Second and later sessions between the same devices on real Prosody and ejabberd: the known-peer handshake (two
 * stanzas) and continuity through retained secrets.
 */
@ExtendWith(XmppServersExtension.class)
class SessionContinuityIT {
    private static final StanzaFilter SOTTO = new StanzaExtensionFilter(SottoEncrypted.ELEMENT, SottoEncrypted.NAMESPACE);
    /** Stanzas with a handshake step in them (XX message 3 travels with the first ratchet message). */
    private static final StanzaFilter HANDSHAKE = stanza -> stanza.getExtensions().stream()
            .anyMatch(e -> e instanceof SottoEncrypted && ((SottoEncrypted) e).kind() == SottoEncrypted.Kind.HANDSHAKE);

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static Message chat(Jid to, String body) {
        return StanzaBuilder.buildMessage().to(to).ofType(Message.Type.chat).setBody(body).build();
    }

    /** Alice and bob with one online (XX) session, alice's first message read by bob. */
    private static SottoParty[] firstSession(XmppServers.Server server, String s) throws Exception {
        SottoParty alice = new SottoParty().connect(server.connection("alice", "a-" + s));
        SottoParty bob = new SottoParty().connect(server.connection("bob", "b-" + s));
        alice.manager.send(chat(bob.connection.getUser(), "first session")).get(20, TimeUnit.SECONDS);
        DecryptedStanza first = bob.next();
        assertEquals("first session", ((Message) first.stanza()).getBody());
        assertTrue(first.sas().isPresent(), "the first session is a full handshake, with a SAS");
        return new SottoParty[] {alice, bob};
    }

    /**
     * A new handshake between devices that met before is the known-peer one (Noise IK): two handshake stanzas
     * instead of three, no SAS; then alice's empty ratchet message (so bob can send at once) and messages as usual.
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aNewHandshakeWithAKnownDeviceTakesTwoStanzas(ServerKind kind, XmppServers servers) throws Exception {
        SottoParty[] parties = firstSession(servers.get(kind), suffix());
        SottoParty alice = parties[0];
        SottoParty bob = parties[1];
        try {
            alice.awaitEvent(SecurityEvent.SessionEstablished.class, e -> true);
            alice.events.clear();
            try (StanzaCounter aliceHandshake = new StanzaCounter(alice.connection, HANDSHAKE);
                 StanzaCounter aliceSotto = new StanzaCounter(alice.connection, SOTTO)) {
                alice.manager.renewSession(bob.connection.getUser());
                var renewed = alice.awaitEvent(SecurityEvent.SessionEstablished.class, e -> true);
                assertEquals(SessionOrigin.ONLINE_HANDSHAKE, renewed.origin());
                assertTrue(renewed.sas().isEmpty(), "a known-peer session has no SAS");
                aliceHandshake.settle();
                aliceSotto.settle();
                System.out.printf("%s known-peer handshake: handshake stanzas %s; all Sotto stanzas %s%n", kind,
                        aliceHandshake, aliceSotto);
                assertEquals(1, aliceHandshake.sent(), "alice sends message 1");
                assertEquals(1, aliceHandshake.received(), "alice receives message 2");
                assertEquals(2, aliceSotto.sent(), "then one empty ratchet message, so that bob can send at once");
                assertEquals(1, aliceSotto.received());
            }
            try (StanzaCounter aliceSotto = new StanzaCounter(alice.connection, SOTTO)) {
                bob.manager.send(chat(alice.connection.getUser(), "in the new session")).get(20, TimeUnit.SECONDS);
                DecryptedStanza reply = alice.next();
                assertEquals("in the new session", ((Message) reply.stanza()).getBody());
                assertTrue(reply.sas().isEmpty(), "it arrived in the known-peer session");
                alice.manager.send(chat(bob.connection.getUser(), "and back")).get(20, TimeUnit.SECONDS);
                assertEquals("and back", ((Message) bob.next().stanza()).getBody());
                assertEquals(1, aliceSotto.settle().sent(), "a message in the session costs one stanza");
            }
        } finally {
            alice.disconnect();
            bob.disconnect();
        }
    }
}
