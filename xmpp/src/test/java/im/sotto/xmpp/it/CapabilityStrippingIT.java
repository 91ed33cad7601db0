package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import im.sotto.protocol.store.SessionAddress;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SendFailure;
import im.sotto.xmpp.SottoSendException;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smackx.caps.EntityCapsManager;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Capability stripping: the server hides that bob, who used Sotto with alice before, speaks Sotto (no feature in
 * disco, no caps, no device list or bundles). Alice does not downgrade: she reports the missing capability, sends
 * nothing (certainly no plaintext), keeps the message queued, and delivers it once the server stops stripping.
 */
@ExtendWith(XmppServersExtension.class)
class CapabilityStrippingIT {

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aKnownPeerWhoseSottoIsHiddenGetsNothingAndTheMessageStaysQueued(ServerKind kind, XmppServers servers)
            throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(kind))) {
            SottoParty alice = scene.alice;
            SottoParty bob = scene.bob;
            alice.manager.send(scene.secretChat(scene.bobJid(), "earlier " + scene.suffix)).get(20, TimeUnit.SECONDS);
            assertEquals("earlier " + scene.suffix, ((Message) bob.next().stanza()).getBody());
            // Alice's session with bob is gone (as after accepting a new key, or a store restored without it); she
            // still knows bob's account key, so she knows he used Sotto.
            alice.account.store().transact(s -> {
                for (SessionAddress address : s.sessions().devices(scene.bobAccount().toString())) {
                    s.sessions().delete(address);
                }
                return null;
            });
            bob.disconnect();
            bob.connect(scene.server.connectionVia("bob", "b2-" + scene.suffix, scene.relay.port()));
            int aliceSentBefore = scene.relay.seen(r -> HostileScene.sentBy(r, alice)).size();

            scene.relay.rule(StrippingRules.hideSottoFrom(alice));
            // Smack keeps entity caps in static caches shared by every connection of this JVM, so alice would know
            // bob's caps from bob's own connection; a real alice runs elsewhere and has only what the server tells her.
            EntityCapsManager.clearMemoryCache();
            CompletableFuture<Void> sent = alice.manager.send(scene.secretChat(scene.bobJid(), "later " + scene.suffix));
            ExecutionException failure = assertThrows(ExecutionException.class, () -> sent.get(20, TimeUnit.SECONDS));
            SottoSendException cause = assertInstanceOf(SottoSendException.class, failure.getCause());
            assertEquals(SendFailure.PEER_HAS_NO_SOTTO, cause.reason());
            assertTrue(cause.stillQueued(), "not dropped: the peer used Sotto before");
            List<SecurityEvent.CapabilityMissing> missing = alice.events.stream()
                    .filter(e -> e instanceof SecurityEvent.CapabilityMissing)
                    .map(e -> (SecurityEvent.CapabilityMissing) e).toList();
            assertEquals(2, missing.size(), "the stripped disco and the hidden bundles, each reported: " + missing);
            assertTrue(missing.get(0).detail().contains("does not advertise Sotto"), missing.get(0).detail());
            assertTrue(missing.get(1).detail().contains("it used Sotto before"), missing.get(1).detail());
            assertEquals(scene.bobAccount(), missing.get(1).peer());
            assertEquals(aliceSentBefore, scene.relay.seen(r -> HostileScene.sentBy(r, alice)).size(),
                    "alice sent bob nothing at all");
            assertEquals(List.of(), scene.relay.seen(r -> r.toServer() && r.contains("later " + scene.suffix)),
                    "never in plaintext");
            assertEquals(1, HostileScene.queued(alice, scene.bobAccount()), "the message waits in alice's store");
            assertNull(bob.inbox.poll(500, TimeUnit.MILLISECONDS));

            scene.relay.rule(StanzaRule.PASS);
            alice.manager.send(scene.secretChat(scene.bobJid(), "after " + scene.suffix)).get(20, TimeUnit.SECONDS);
            assertEquals("later " + scene.suffix, ((Message) bob.next().stanza()).getBody());
            assertEquals("after " + scene.suffix, ((Message) bob.next().stanza()).getBody());
            assertEquals(0, HostileScene.queued(alice, scene.bobAccount()));
            scene.assertNothingSecretOnTheWire();
        }
    }
}
