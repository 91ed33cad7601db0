package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import im.sotto.protocol.store.SessionAddress;
import im.sotto.xmpp.SecurityEvent;

import org.jivesoftware.smack.packet.Message;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A one-way stream: alice writes, bob's user never answers. Every 50 messages bob's client answers with an empty
 * ratchet message on its own, so alice learns what arrived (her record stops growing with what she keeps of her
 * unacknowledged messages) and the ratchet steps in bob's direction too.
 */
@ExtendWith(XmppServersExtension.class)
class HeartbeatReplyIT {
    private static final int MESSAGES = 120;

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aSilentReceiverAcknowledgesEveryFiftyMessages(ServerKind kind, XmppServers servers) throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(kind))) {
            int sizeAfterFirst = 0;
            for (int n = 0; n < MESSAGES; n++) {
                scene.alice.manager.send(scene.secretChat(scene.bobJid(), "m" + n + " " + scene.suffix))
                        .get(20, TimeUnit.SECONDS);
                assertEquals("m" + n + " " + scene.suffix, ((Message) scene.bob.next().stanza()).getBody());
                if (n == 0) {
                    sizeAfterFirst = aliceRecordSize(scene);
                }
            }
            List<RelayedStanza> fromBob = scene.relay.seen(r -> HostileScene.sentBy(r, scene.bob));
            // One every 50 messages, and the confirmation of the session that content waits for.
            assertEquals(MESSAGES / 50 + 1, fromBob.stream()
                    .filter(r -> HostileScene.carries(r, im.sotto.xmpp.element.SottoEncrypted.Kind.RATCHET)).count(),
                    "bob's heartbeats");
            int sizeAtEnd = aliceRecordSize(scene);
            // Without the heartbeats alice keeps all 120 unacknowledged: about 9 KB more (docs/performance.md).
            assertTrue(sizeAtEnd < sizeAfterFirst + 2_500, "alice's session record grew from " + sizeAfterFirst
                    + " to " + sizeAtEnd + " bytes");
            assertTrue(scene.alice.events.stream().noneMatch(e -> e instanceof SecurityEvent.UndecryptableStanza),
                    "alice opened every heartbeat: " + scene.alice.events);
            scene.assertNothingSecretOnTheWire();
        }
    }

    private static int aliceRecordSize(HostileScene scene) {
        String bob = scene.bobAccount().toString();
        return scene.alice.account.store().transact(s -> {
            List<SessionAddress> devices = s.sessions().devices(bob);
            return s.sessions().load(devices.get(devices.size() - 1)).orElseThrow().length;
        });
    }
}
