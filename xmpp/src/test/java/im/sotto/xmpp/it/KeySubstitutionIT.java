package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.trust.TrustLevel;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.UndecryptableReason;
import im.sotto.xmpp.SendFailure;
import im.sotto.xmpp.SottoAccount;
import im.sotto.xmpp.SottoSendException;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.packet.Message;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Key substitution: the server answers alice's requests for bob's device list and bundle with mallory's device
 * and bundle (signed by mallory's account key).
 */
@ExtendWith(XmppServersExtension.class)
class KeySubstitutionIT {

    /** A known contact: the substituted bundle fails against bob's pinned key; nothing is sent, the message waits. */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aKnownContactsSubstitutedBundleIsRefusedAndNothingIsSent(ServerKind kind, XmppServers servers)
            throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(kind))) {
            knownThenSubstituted(scene, false);
        }
    }

    /**
     * A verified contact: a device alice never approved gets nothing at all (DEVICE_NOT_APPROVED, held), before the
     * bundle is even looked at; the contact stays verified.
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aVerifiedContactsSubstitutedBundleIsRefusedAndNothingIsSent(ServerKind kind, XmppServers servers)
            throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(kind))) {
            knownThenSubstituted(scene, true);
            assertEquals(java.util.Optional.of(TrustLevel.VERIFIED), scene.alice.manager.trustLevel(scene.bobAccount()));
        }
    }

    /**
     * A first contact cannot tell a substituted bundle (it names no key): alice's first message goes to mallory's
     * keys, unauthenticated. Bob cannot read it (NO_SESSION) and heals with an online handshake, which proves his
     * account to alice; from then on the session made from the substituted bundle fails against bob's key: alice
     * reports BundleSubstituted, deletes it, and encrypts nothing more to it.
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aFirstContactsSubstitutedBundleIsDetectedOnceBobProvesHisKey(ServerKind kind, XmppServers servers)
            throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(kind))) {
            SottoParty alice = scene.alice;
            SottoParty bob = scene.bob;
            bob.disconnect();
            SottoAccount mallory = SottoAccount.open(new InMemoryAccountStore(), new SecureRandom(), Clock.systemUTC());
            scene.secrets.account("mallory", mallory.identity(), mallory.device());
            scene.relay.rule(new BundleSubstitution(scene.relay, alice, scene.bobAccount(), mallory));
            alice.manager.send(scene.secretChat(scene.bobAccount(), "first " + scene.suffix)).get(20, TimeUnit.SECONDS);
            var unauthenticated = alice.awaitEvent(SecurityEvent.SessionEstablished.class, e -> true);
            assertEquals(mallory.device().deviceId(), unauthenticated.deviceId(), "a first contact cannot tell");
            assertEquals(java.util.Optional.empty(), alice.manager.trustLevel(scene.bobAccount()),
                    "nothing pinned: an unauthenticated first contact");

            scene.relay.rule(StanzaRule.PASS);
            bob.connect(scene.server.connectionVia("bob", "b2-" + scene.suffix, scene.relay.port()));
            var unreadable = bob.awaitEvent(SecurityEvent.UndecryptableStanza.class, e -> true);
            assertEquals(UndecryptableReason.NO_SESSION, unreadable.reason(), unreadable.detail());
            bob.awaitEvent(SecurityEvent.SessionHealed.class, e -> true);
            alice.awaitEvent(SecurityEvent.SessionEstablished.class,
                    e -> e.deviceId() == bob.account.device().deviceId());

            alice.manager.send(scene.secretChat(scene.bobJid(), "second " + scene.suffix)).get(20, TimeUnit.SECONDS);
            assertEquals("second " + scene.suffix, ((Message) bob.next().stanza()).getBody());
            var detected = alice.awaitEvent(SecurityEvent.BundleSubstituted.class, e -> true);
            assertEquals(mallory.device().deviceId(), detected.deviceId());
            assertEquals(List.of(new SessionAddress(scene.bobAccount().toString(), bob.account.device().deviceId())),
                    alice.account.store().transact(s -> s.sessions().devices(scene.bobAccount().toString())),
                    "only bob's real device is left");
            List<RelayedStanza> aliceSent = scene.relay.seen(r -> HostileScene.sentBy(r, alice));
            String last = aliceSent.get(aliceSent.size() - 1).xml();
            assertEquals(1, SottoPayload.count(last, SottoEncrypted.Kind.RATCHET), "encrypted for bob's device only: " + last);
            assertNull(bob.inbox.poll(500, TimeUnit.MILLISECONDS), "the first message never reached bob");
            scene.assertNothingSecretOnTheWire();
        }
    }

    private static void knownThenSubstituted(HostileScene scene, boolean verified) throws Exception {
        SottoParty alice = scene.alice;
        SottoParty bob = scene.bob;
        alice.manager.send(scene.secretChat(scene.bobJid(), "earlier " + scene.suffix)).get(20, TimeUnit.SECONDS);
        assertEquals("earlier " + scene.suffix, ((Message) bob.next().stanza()).getBody());
        if (verified) {
            assertTrue(alice.manager.markVerified(scene.bobAccount()));
        }
        // No session with bob any more (a store restored without it, say): a new one must be made from his bundle.
        alice.account.store().transact(s -> {
            for (SessionAddress address : s.sessions().devices(scene.bobAccount().toString())) {
                s.sessions().delete(address);
            }
            return null;
        });
        bob.disconnect();
        SottoAccount mallory = SottoAccount.open(new InMemoryAccountStore(), new SecureRandom(), Clock.systemUTC());
        scene.secrets.account("mallory", mallory.identity(), mallory.device());
        BundleSubstitution substitution = new BundleSubstitution(scene.relay, alice, scene.bobAccount(), mallory);
        scene.relay.rule(substitution);
        int sentBefore = scene.relay.seen(r -> HostileScene.sentBy(r, alice)).size();

        CompletableFuture<Void> sent = alice.manager.send(scene.secretChat(scene.bobAccount(), "later " + scene.suffix));
        ExecutionException failure = assertThrows(ExecutionException.class, () -> sent.get(20, TimeUnit.SECONDS));
        SottoSendException cause = assertInstanceOf(SottoSendException.class, failure.getCause());
        SendFailure expected = verified ? SendFailure.DEVICE_NOT_APPROVED : SendFailure.KEY_SUBSTITUTED;
        assertEquals(expected, cause.reason(), cause.getMessage());
        assertTrue(cause.stillQueued());
        var event = alice.awaitEvent(SecurityEvent.SendFailed.class, e -> e.reason() == expected);
        assertTrue(event.detail().contains(verified ? "approved" : "not signed by the pinned account key"),
                event.detail());
        assertEquals(1, substitution.bundlesServed.get(), "alice fetched the substituted bundle");
        assertEquals(sentBefore, scene.relay.seen(r -> HostileScene.sentBy(r, alice)).size(), "nothing was sent");
        assertEquals(1, HostileScene.queued(alice, scene.bobAccount()), "the message waits in alice's store");
        assertTrue(alice.account.store().transact(s -> s.sessions().devices(scene.bobAccount().toString())).isEmpty(),
                "no session with the attacker's device");
        assertNull(bob.inbox.poll(200, TimeUnit.MILLISECONDS));
        scene.assertNothingSecretOnTheWire();
        assertEquals(List.of(), scene.relay.seen(r -> HostileScene.sentBy(r, alice)
                && HostileScene.carries(r, SottoEncrypted.Kind.FIRST_MESSAGE)));
    }
}
