package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.RefusalReason;
import im.sotto.xmpp.SecurityEvent.IqAnswerIgnored;
import im.sotto.xmpp.IqAnswerProblem;
import im.sotto.xmpp.element.SottoEncrypted;
import im.sotto.xmpp.element.SottoEncryptedIq;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.iqversion.packet.Version;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.jxmpp.jid.Jid;

/**
 * An encrypted iq request is answered only by the JID and device it was sent to, on Prosody and ejabberd. Dave, a
 * contact of alice with a session of his own, answers alice's request to bob with his own encrypted result under the
 * same id (his relay rewrites the id of his answer to another request); carol, a stranger, sends garbage under that
 * id. Neither settles the request; bob's answer, which comes later, does.
 */
@ExtendWith(XmppServersExtension.class)
class IqAnswerIT {
    /** Bob answers this late, so that both attacks land while alice's request waits (her reply timeout is 10 s). */
    private static final long BOB_ANSWERS_AFTER_MS = 5_000;

    private static IQ versionRequest(Jid to) {
        Version request = new Version();
        request.setType(IQ.Type.get);
        request.setTo(to);
        return request;
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void anotherContactsAnswerAndAStrangersGarbageDoNotSettleTheRequest(ServerKind kind, XmppServers servers)
            throws Exception {
        XmppServers.Server server = servers.get(kind);
        String s = UUID.randomUUID().toString().substring(0, 8);
        SottoParty alice = new SottoParty().connect(server.connection("alice", "a-" + s));
        SottoParty bob = new SottoParty().connect(server.connection("bob", "b-" + s));
        HostileRelay relay = new HostileRelay(server);
        SottoParty dave = new SottoParty().connect(server.connectionVia("dave", "d-" + s, relay.port()));
        XMPPTCPConnection carol = Pair.login(server.connection("carol", "c-" + s));
        try {
            attack(alice, bob, dave, relay, carol);
        } catch (Exception | AssertionError e) {
            throw new AssertionError("alice: " + alice.events + "\nbob: " + bob.events + "\ndave: " + dave.events, e);
        } finally {
            carol.disconnect();
            dave.disconnect();
            relay.close();
            alice.disconnect();
            bob.disconnect();
        }
    }

    private static void attack(SottoParty alice, SottoParty bob, SottoParty dave, HostileRelay relay,
            XMPPTCPConnection carol) throws Exception {
        {
            TestContacts.add(dave.connection, alice.connection.getUser().asBareJid());
            TestContacts.forget(alice.connection, carol.getUser().asBareJid());
            bob.manager.setIqRequestHandler(request -> {
                try {
                    Thread.sleep(BOB_ANSWERS_AFTER_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Version.createResultFor((IQ) request.stanza(), new Version("bob's client", "1.0"));
            });
            dave.manager.setIqRequestHandler(request -> Version.createResultFor((IQ) request.stanza(),
                    new Version("dave's forgery", "6.6")));
            Jid bobJid = bob.connection.getUser();
            Jid daveJid = dave.connection.getUser();
            // A session with dave first: his answer to alice's own request to him is genuine.
            IQ fromDave = alice.manager.sendIq(versionRequest(daveJid)).get(30, TimeUnit.SECONDS);
            assertEquals("dave's forgery", ((Version) fromDave).getName());

            AtomicReference<String> toBobId = new AtomicReference<>();
            alice.connection.addStanzaSendingListener(stanza -> toBobId.compareAndSet(null, stanza.getStanzaId()),
                    stanza -> stanza instanceof SottoEncryptedIq && bobJid.equals(stanza.getTo()));
            CompletableFuture<IQ> toBob = alice.manager.sendIq(versionRequest(bobJid));
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (toBobId.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            String id = toBobId.get();

            // Dave's relay gives his next answer the id of alice's request to bob.
            relay.rule(stanza -> stanza.toClient() || !stanza.xml().startsWith("<iq")
                    || !"result".equals(StanzaText.attribute(stanza.xml(), "type"))
                    ? java.util.List.of(stanza.xml()) : java.util.List.of(StanzaText.withAttribute(stanza.xml(), "id", id)));
            alice.manager.sendIq(versionRequest(daveJid));
            alice.awaitEvent(IqAnswerIgnored.class, e -> e.stanzaId().equals(id) && e.from().equals(daveJid)
                    && e.problem() == IqAnswerProblem.NOT_THE_ADDRESSEE);

            byte[] garbage = new byte[200];
            new SecureRandom().nextBytes(garbage);
            garbage[0] = 1;
            SottoEncryptedIq forged = new SottoEncryptedIq(IQ.Type.result,
                    new SottoEncrypted(SottoEncrypted.Kind.RATCHET, garbage));
            forged.setTo(alice.connection.getUser());
            forged.setStanzaId(id);
            carol.sendStanza(forged);
            alice.awaitEvent(IqAnswerIgnored.class, e -> e.stanzaId().equals(id)
                    && e.from().equals(carol.getUser()) && e.problem() == IqAnswerProblem.UNDECRYPTABLE);
            alice.awaitEvent(SecurityEvent.SessionRefused.class, e -> e.from().equals(carol.getUser())
                    && e.reason() == RefusalReason.NO_HEAL_FOR_STRANGER);

            assertFalse(toBob.isDone(), "neither dave's answer nor carol's garbage settles the request to bob");
            IQ answer = toBob.get(20, TimeUnit.SECONDS);
            assertEquals("bob's client", ((Version) answer).getName());
            assertEquals(bobJid, answer.getFrom());
        }
    }
}
