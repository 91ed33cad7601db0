package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import im.sotto.xmpp.SendFailure;
import im.sotto.xmpp.SottoSendException;

import org.jivesoftware.smack.packet.Message;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Offline setup for one contact does not hold up the others, on Prosody and ejabberd. A relay swallows every PEP
 * request alice makes about dave (as a server that never answers would); while alice's fetch of dave's bundles waits
 * for an answer that never comes, her next message to bob goes out and arrives at once. Dave's message is reported
 * and stays queued, never dropped. Before, the worker waited for each fetch in turn: bob's message waited for the
 * reply timeout (10 s in these tests).
 */
@ExtendWith(XmppServersExtension.class)
class OfflineSetupIT {
    /** Well under the 10 s reply timeout a stalled fetch used to hold the worker for; loopback takes milliseconds. */
    private static final long PROMPT_MS = 4_000;

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aContactWhoseServerNeverAnswersStallsNoOtherConversation(ServerKind kind, XmppServers servers)
            throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(kind))) {
            scene.alice.manager.send(scene.secretChat(scene.bobJid(), "hello " + scene.suffix))
                    .get(20, TimeUnit.SECONDS);
            assertEquals("hello " + scene.suffix, body(scene.bob.next().stanza()));

            BareJid dave = JidCreate.bareFrom("dave@" + scene.server.domain());
            List<RelayedStanza> swallowed = new CopyOnWriteArrayList<>();
            scene.relay.rule(stanza -> {
                if (stanza.toServer() && stanza.xml().startsWith("<iq")
                        && stanza.contains("http://jabber.org/protocol/pubsub")
                        && dave.toString().equals(StanzaText.attribute(stanza.xml(), "to"))) {
                    swallowed.add(stanza);
                    return List.of();
                }
                return List.of(stanza.xml());
            });
            CompletableFuture<Void> toDave = scene.alice.manager.send(scene.secretChat(dave, "are you there "
                    + scene.suffix));
            HostileScene.awaitSize(swallowed, 1);

            long started = System.nanoTime();
            scene.alice.manager.send(scene.secretChat(scene.bobJid(), "meanwhile " + scene.suffix))
                    .get(20, TimeUnit.SECONDS);
            assertEquals("meanwhile " + scene.suffix, body(scene.bob.next().stanza()));
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertTrue(tookMs < PROMPT_MS, "bob's message waited " + tookMs + " ms behind dave's stalled fetch");
            assertTrue(!toDave.isDone(), "dave's fetch is still waiting for its answer");

            ExecutionException failed = assertThrows(ExecutionException.class, () -> toDave.get(60, TimeUnit.SECONDS));
            SottoSendException e = assertInstanceOf(SottoSendException.class, failed.getCause());
            assertEquals(SendFailure.CONNECTION, e.reason(), e.getMessage());
            assertTrue(e.stillQueued(), "kept queued for a later attempt, not dropped");
            assertEquals(1, HostileScene.queued(scene.alice, dave));
            scene.assertNothingSecretOnTheWire();
        }
    }

    private static String body(org.jivesoftware.smack.packet.Stanza stanza) {
        return ((Message) stanza).getBody();
    }
}
