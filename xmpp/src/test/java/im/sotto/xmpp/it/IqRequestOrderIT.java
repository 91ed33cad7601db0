package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import im.sotto.xmpp.SecurityEvent;

import org.jivesoftware.smack.StanzaListener;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smackx.iqversion.packet.Version;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.jxmpp.jid.Jid;

/**
 * An encrypted iq request is read after the stanzas that arrived before it, on Prosody and ejabberd. Alice's first
 * request to bob follows the last message of the XX handshake it waited for (message 3, then the request). Smack
 * used to hand iq requests to a pooled thread while messages waited their turn on the connection's ordered
 * thread, which here is slowed down by another listener of bob's application (as any busy client's may be): the
 * request overtook message 3, bob found no session, healed, and the healing handshake replaced the one message 3
 * belonged to (the session completed on alice's side only; IqAnswerIT saw bob's BROKEN_SESSION and a
 * ContinuityBroken). Now the request waits for message 3: one session, no undecryptable stanza, bob's answer.
 */
@ExtendWith(XmppServersExtension.class)
class IqRequestOrderIT {
    /** Longer than the round trip between bob's answer to message 1 and alice's message 3 and request. */
    private static final long SLOW_LISTENER_MS = 1_500;

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aRequestIsNotReadBeforeTheHandshakeMessageBeforeIt(ServerKind kind, XmppServers servers) throws Exception {
        XmppServers.Server server = servers.get(kind);
        String s = UUID.randomUUID().toString().substring(0, 8);
        SottoParty alice = new SottoParty().connect(server.connection("alice", "a-" + s));
        SottoParty bob = new SottoParty().connect(server.connection("bob", "b-" + s));
        StanzaListener busy = stanza -> {
            try {
                Thread.sleep(SLOW_LISTENER_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try {
            bob.manager.setIqRequestHandler(request -> Version.createResultFor((IQ) request.stanza(),
                    new Version("bob's client", "1.0")));
            bob.connection.addSyncStanzaListener(busy, StanzaTypeFilter.MESSAGE);
            Jid bobJid = bob.connection.getUser();
            Version request = new Version();
            request.setType(IQ.Type.get);
            request.setTo(bobJid);
            IQ answer;
            try {
                answer = alice.manager.sendIq(request).get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError("no answer; bob: " + bob.events + "\nalice: " + alice.events, e);
            }
            assertEquals("bob's client", ((Version) answer).getName(), "events: " + bob.events);
            List<SecurityEvent> bobs = List.copyOf(bob.events);
            assertEquals(List.of(), bobs.stream().filter(e -> e instanceof SecurityEvent.UndecryptableStanza
                    || e instanceof SecurityEvent.ContinuityBroken || e instanceof SecurityEvent.SessionHealed)
                    .toList(), "bob read everything in order: " + bobs);
            assertEquals(1, bobs.stream().filter(e -> e instanceof SecurityEvent.SessionEstablished).count(),
                    "one session: " + bobs);
        } finally {
            bob.connection.removeSyncStanzaListener(busy);
            alice.disconnect();
            bob.disconnect();
        }
    }
}
