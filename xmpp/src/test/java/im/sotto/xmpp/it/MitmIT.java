package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

import im.sotto.protocol.trust.Continuity;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.StolenDevice;

import org.jivesoftware.smack.packet.Message;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A man in the middle with stolen long-term keys: after alice and bob made a session, the server's operator holds
 * copies of both devices' identity and prekeys (not their history), logs in as each of them on another resource
 * (the server lets it) and runs a handshake with each side. Every signature checks out, so trust on first use
 * cannot tell; but the SAS alice sees differs from the one bob sees, and each side's retained-secret check fails:
 * ContinuityBroken on both sides, and every message in the forged sessions says BROKEN.
 */
@ExtendWith(XmppServersExtension.class)
class MitmIT {

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aMitmWithStolenKeysShowsDifferentSasAndBrokenContinuityOnBothSides(ServerKind kind, XmppServers servers)
            throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(kind))) {
            SottoParty alice = scene.alice;
            SottoParty bob = scene.bob;
            alice.manager.send(scene.secretChat(scene.bobJid(), "genuine " + scene.suffix)).get(20, TimeUnit.SECONDS);
            DecryptedStanza genuine = bob.next();
            String genuineSas = genuine.sas().orElseThrow();
            assertEquals(Optional.of(Continuity.NEW_PEER), genuine.continuity());

            SottoParty asBob = new SottoParty(StolenDevice.copyKeysOf(bob.account));
            SottoParty asAlice = new SottoParty(StolenDevice.copyKeysOf(alice.account));
            try {
                asBob.connect(scene.server.connectionVia("bob", "mb-" + scene.suffix, scene.relay.port()));
                asAlice.connect(scene.server.connectionVia("alice", "ma-" + scene.suffix, scene.relay.port()));
                alice.events.clear();
                bob.events.clear();
                asBob.manager.send(scene.secretChat(scene.aliceJid(), "it is bob " + scene.suffix))
                        .get(20, TimeUnit.SECONDS);
                asAlice.manager.send(scene.secretChat(scene.bobJid(), "it is alice " + scene.suffix))
                        .get(20, TimeUnit.SECONDS);

                DecryptedStanza atAlice = alice.next();
                DecryptedStanza atBob = bob.next();
                assertEquals("it is bob " + scene.suffix, ((Message) atAlice.stanza()).getBody());
                assertEquals("it is alice " + scene.suffix, ((Message) atBob.stanza()).getBody());
                assertEquals(bob.account.fingerprint(), atAlice.accountFingerprint().orElseThrow(),
                        "the keys are bob's: trust on first use alone cannot tell");
                assertEquals(alice.account.fingerprint(), atBob.accountFingerprint().orElseThrow());
                String sasAtAlice = atAlice.sas().orElseThrow();
                String sasAtBob = atBob.sas().orElseThrow();
                assertNotEquals(sasAtAlice, sasAtBob, "compared over another channel, the SAS differ");
                assertNotEquals(genuineSas, sasAtAlice);
                assertNotEquals(genuineSas, sasAtBob);
                assertEquals(Optional.of(Continuity.BROKEN), atAlice.continuity());
                assertEquals(Optional.of(Continuity.BROKEN), atBob.continuity());
                var brokenAtAlice = alice.awaitEvent(SecurityEvent.ContinuityBroken.class, e -> true);
                assertEquals(scene.bobAccount(), brokenAtAlice.peer());
                assertEquals(bob.account.device().deviceId(), brokenAtAlice.deviceId());
                var brokenAtBob = bob.awaitEvent(SecurityEvent.ContinuityBroken.class, e -> true);
                assertEquals(scene.aliceJid().asBareJid(), brokenAtBob.peer());
                assertEquals(alice.account.device().deviceId(), brokenAtBob.deviceId());
                scene.assertNothingSecretOnTheWire();
            } finally {
                asBob.disconnect();
                asAlice.disconnect();
            }
        }
    }
}
