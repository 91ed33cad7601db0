package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import im.sotto.protocol.trust.Continuity;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SessionOrigin;
import im.sotto.xmpp.StolenDevice;
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
    /** Stanzas with a handshake step in them (XX message 3 travels with an empty ratchet message). */
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
        takeOfflineMessages(server, "alice", s);
        takeOfflineMessages(server, "bob", s);
        SottoParty alice = new SottoParty().connect(server.connection("alice", "a-" + s));
        SottoParty bob = new SottoParty().connect(server.connection("bob", "b-" + s));
        alice.manager.send(chat(bob.connection.getUser(), "first session")).get(20, TimeUnit.SECONDS);
        DecryptedStanza first = bob.next();
        assertEquals("first session", ((Message) first.stanza()).getBody());
        assertTrue(first.sas().isPresent(), "the first session is a full handshake, with a SAS");
        assertEquals(Optional.of(Continuity.NEW_PEER), first.continuity(), "no history: a first contact");
        return new SottoParty[] {alice, bob};
    }

    /**
     * Earlier tests on the shared accounts can leave offline messages (from devices these fresh ones never met); at
     * the first login they would be NO_SESSION and start healing handshakes in the middle of this test. A plain login
     * without Sotto takes them first.
     */
    private static void takeOfflineMessages(XmppServers.Server server, String user, String s) throws Exception {
        org.jivesoftware.smack.tcp.XMPPTCPConnection plain = Pair.login(server.connection(user, "drain-" + s));
        Thread.sleep(300);
        plain.disconnect();
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
                // Bob never acknowledged "first session" (he wrote nothing back): alice sends it again under the new
                // session (protocol.md 7.3, "Sent again under the new session"), and bob, who showed it, does not
                // show the copy. Bob wrote no content in the old session, so he owes nothing.
                assertEquals(3, aliceSotto.sent(), "then one empty ratchet message, so that bob can send at once, "
                        + "and the copy of the message bob never acknowledged");
                assertEquals(2, aliceSotto.received(), "message 2, then bob's confirmation of the session");
                assertNull(bob.inbox.poll(1, TimeUnit.SECONDS), "the copy is not shown a second time: "
                        + bob.events);
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

    /**
     * Alice loses her session with bob's device (its record is deleted; the retained secrets, which hold the
     * device's certificate, stay). Her next message makes a known-peer session from the retained secrets: two
     * handshake stanzas, then the message; both sides prove the secret of the first session: CONFIRMED.
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aSecondSessionBetweenTheSameDevicesConfirmsContinuity(ServerKind kind, XmppServers servers) throws Exception {
        SottoParty[] parties = firstSession(servers.get(kind), suffix());
        SottoParty alice = parties[0];
        SottoParty bob = parties[1];
        try {
            String bobAccount = bob.connection.getUser().asBareJid().toString();
            alice.account.store().transact(stores -> {
                for (SessionAddress address : stores.sessions().devices(bobAccount)) {
                    stores.sessions().delete(address);
                }
                return null;
            });
            alice.events.clear();
            bob.events.clear();
            try (StanzaCounter aliceHandshake = new StanzaCounter(alice.connection, HANDSHAKE);
                 StanzaCounter aliceSotto = new StanzaCounter(alice.connection, SOTTO)) {
                alice.manager.send(chat(bob.connection.getUser(), "second session")).get(20, TimeUnit.SECONDS);
                DecryptedStanza second = bob.next();
                assertEquals("second session", ((Message) second.stanza()).getBody());
                assertEquals(Optional.of(Continuity.CONFIRMED), second.continuity());
                assertTrue(second.sas().isEmpty(), "a known-peer session");
                aliceHandshake.settle();
                aliceSotto.settle();
                assertEquals(1, aliceHandshake.sent());
                assertEquals(1, aliceHandshake.received());
                assertEquals(3, aliceSotto.sent(), "message 1, an empty ratchet message, then (once bob confirmed "
                        + "the session) the message itself");
            }
            var aliceSide = alice.awaitEvent(SecurityEvent.SessionEstablished.class, e -> true);
            assertEquals(Optional.of(Continuity.CONFIRMED), aliceSide.continuity());
            var bobSide = bob.awaitEvent(SecurityEvent.SessionEstablished.class, e -> true);
            assertEquals(Optional.of(Continuity.CONFIRMED), bobSide.continuity());
            assertTrue(alice.events.stream().noneMatch(e -> e instanceof SecurityEvent.ContinuityBroken));
            assertTrue(bob.events.stream().noneMatch(e -> e instanceof SecurityEvent.ContinuityBroken));
        } finally {
            alice.disconnect();
            bob.disconnect();
        }
    }

    /**
     * Mallory holds copies of bob's device keys (identity and prekeys) but not its history, logs in as bob and
     * writes to alice. Everything checks out except continuity: alice is told ContinuityBroken and the message
     * says BROKEN. Alice kept the old secrets, so when the real bob comes back his known-peer handshake with her
     * is CONFIRMED: the attacker did not become the continuity.
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void anAttackerWithBobsStolenKeysButNotHisHistoryBreaksContinuity(ServerKind kind, XmppServers servers)
            throws Exception {
        XmppServers.Server server = servers.get(kind);
        String s = suffix();
        SottoParty[] parties = firstSession(server, s);
        SottoParty alice = parties[0];
        SottoParty bob = parties[1];
        SottoParty mallory = new SottoParty(StolenDevice.copyKeysOf(bob.account));
        try {
            // The history alice can hold against a thief: she heard from the real bob under their first session
            // (before that, she sent XX's last message and cannot tell a thief from a bob who never stored it,
            // docs/protocol.md 4.11).
            bob.manager.send(chat(alice.connection.getUser(), "hello back")).get(20, TimeUnit.SECONDS);
            assertEquals("hello back", ((Message) alice.next().stanza()).getBody());
            bob.disconnect();
            mallory.connect(server.connection("bob", "m-" + s));
            alice.events.clear();
            mallory.manager.send(chat(alice.connection.getUser(), "it's me, bob")).get(20, TimeUnit.SECONDS);
            DecryptedStanza forged = alice.next();
            assertEquals("it's me, bob", ((Message) forged.stanza()).getBody());
            assertEquals(bob.account.fingerprint(), forged.accountFingerprint().orElseThrow(),
                    "the stolen keys are bob's: trust on first use alone cannot tell");
            assertEquals(Optional.of(Continuity.BROKEN), forged.continuity());
            var broken = alice.awaitEvent(SecurityEvent.ContinuityBroken.class, e -> true);
            assertEquals(bob.connection.getUser().asBareJid(), broken.peer());
            assertEquals(bob.account.device().deviceId(), broken.deviceId());
            mallory.disconnect();

            bob.connect(server.connection("bob", "b-back-" + s));
            alice.events.clear();
            bob.manager.renewSession(alice.connection.getUser());
            var back = alice.awaitEvent(SecurityEvent.SessionEstablished.class, e -> true);
            assertEquals(Optional.of(Continuity.CONFIRMED), back.continuity(),
                    "alice kept the secrets of her session with the real bob");
            // Sent once bob stored the renewed session too (before, it would go out under his first session, which
            // alice keeps for receiving and which reports that session's continuity).
            bob.awaitEvent(SecurityEvent.SessionEstablished.class, e -> e.continuity().isPresent()
                    && e.continuity().get() == Continuity.CONFIRMED);
            bob.manager.send(chat(alice.connection.getUser(), "the real bob")).get(20, TimeUnit.SECONDS);
            DecryptedStanza real = alice.next();
            assertEquals("the real bob", ((Message) real.stanza()).getBody());
            assertEquals(Optional.of(Continuity.CONFIRMED), real.continuity());
        } finally {
            alice.disconnect();
            bob.disconnect();
            mallory.disconnect();
        }
    }

    /**
     * Twice in a row, bob's known-peer handshake completes for alice, and bob dies before storing the secret it
     * leaves (his retained-secret record is put back as it was before the handshake: what the crash leaves; alice
     * stored hers before answering). The old two-slot scheme then put the sides three secrets apart and reported
     * BROKEN forever; now alice keeps the secret bob still holds until he proves a newer one: CONFIRMED on both sides.
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void handshakesThatCompletedForAliceOnlyKeepContinuity(ServerKind kind, XmppServers servers) throws Exception {
        SottoParty[] parties = firstSession(servers.get(kind), suffix());
        SottoParty alice = parties[0];
        SottoParty bob = parties[1];
        try {
            alice.awaitEvent(SecurityEvent.SessionEstablished.class, e -> true);
            SessionAddress aliceAtBob = new SessionAddress(alice.connection.getUser().asBareJid().toString(),
                    alice.account.device().deviceId());
            for (int round = 1; round <= 2; round++) {
                byte[] before = bob.account.store().transact(stores -> stores.retainedSecrets().load(aliceAtBob))
                        .orElseThrow();
                alice.events.clear();
                bob.events.clear();
                bob.manager.renewSession(alice.connection.getUser());
                var atBob = bob.awaitEvent(SecurityEvent.SessionEstablished.class, e -> true);
                var atAlice = alice.awaitEvent(SecurityEvent.SessionEstablished.class, e -> true);
                assertEquals(Optional.of(Continuity.CONFIRMED), atAlice.continuity(), "round " + round);
                assertEquals(Optional.of(Continuity.CONFIRMED), atBob.continuity(), "round " + round);
                bob.account.store().transact(stores -> {
                    stores.retainedSecrets().store(aliceAtBob, before);
                    return null;
                });
            }
            alice.events.clear();
            bob.events.clear();
            alice.manager.renewSession(bob.connection.getUser());
            var atAlice = alice.awaitEvent(SecurityEvent.SessionEstablished.class, e -> true);
            var atBob = bob.awaitEvent(SecurityEvent.SessionEstablished.class, e -> true);
            assertEquals(Optional.of(Continuity.CONFIRMED), atAlice.continuity());
            assertEquals(Optional.of(Continuity.CONFIRMED), atBob.continuity());
            bob.manager.send(chat(alice.connection.getUser(), "still me")).get(20, TimeUnit.SECONDS);
            DecryptedStanza still = alice.next();
            assertEquals("still me", ((Message) still.stanza()).getBody());
            assertEquals(Optional.of(Continuity.CONFIRMED), still.continuity());
            assertTrue(alice.events.stream().noneMatch(e -> e instanceof SecurityEvent.ContinuityBroken));
            assertTrue(bob.events.stream().noneMatch(e -> e instanceof SecurityEvent.ContinuityBroken));
        } finally {
            alice.disconnect();
            bob.disconnect();
        }
    }
}
