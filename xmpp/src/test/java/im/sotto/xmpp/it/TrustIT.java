package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import im.sotto.protocol.trust.TrustLevel;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecondDevice;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SendFailure;
import im.sotto.xmpp.SottoSendException;
import im.sotto.xmpp.StolenDevice;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.filter.StanzaExtensionFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;

/**
 * Trust decisions on real Prosody and ejabberd: a new device of a verified contact waits for approval, a distrusted
 * contact gets nothing, a changed account key stops and alerts until the user accepts it. Held stanzas stay queued
 * and go out, encrypted, after the decision; before it, nothing reaches the peer.
 */
@ExtendWith(XmppServersExtension.class)
class TrustIT {
    /** How long a held stanza is watched for, to show it does not arrive. */
    private static final long QUIET_MS = 2_000;

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static Message chat(Jid to, String body) {
        return StanzaBuilder.buildMessage().to(to).ofType(Message.Type.chat).setBody(body).build();
    }

    private static String body(DecryptedStanza stanza) {
        return ((Message) stanza.stanza()).getBody();
    }

    /** The send future fails at once with {@code reason}, held: the stanza stays queued. */
    private static void assertHeld(CompletableFuture<Void> sent, SendFailure reason) {
        ExecutionException failed = assertThrows(ExecutionException.class, () -> sent.get(20, TimeUnit.SECONDS));
        SottoSendException e = assertInstanceOf(SottoSendException.class, failed.getCause());
        assertEquals(reason, e.reason());
        assertTrue(e.held(), "held, not dropped");
    }

    /** Alice and bob with a session, alice's first message read by bob. */
    private static SottoParty[] session(XmppServers.Server server, String s) throws Exception {
        SottoParty alice = new SottoParty().connect(server.connection("alice", "a-" + s));
        SottoParty bob = new SottoParty().connect(server.connection("bob", "b-" + s));
        alice.manager.send(chat(bob.connection.getUser(), "hello bob")).get(20, TimeUnit.SECONDS);
        assertEquals("hello bob", body(bob.next()));
        alice.awaitEvent(SecurityEvent.SessionEstablished.class, e -> true);
        return new SottoParty[] {alice, bob};
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aNewDeviceOfAVerifiedContactGetsNothingUntilApproved(ServerKind kind, XmppServers servers) throws Exception {
        XmppServers.Server server = servers.get(kind);
        String s = suffix();
        SottoParty[] parties = session(server, s);
        SottoParty alice = parties[0];
        SottoParty bob = parties[1];
        SottoParty laptop = new SottoParty(SecondDevice.of(bob.account));
        BareJid bobAccount = bob.connection.getUser().asBareJid();
        try {
            assertTrue(alice.manager.markVerified(bobAccount));
            assertEquals(Optional.of(TrustLevel.VERIFIED), alice.manager.trustLevel(bobAccount));
            bob.disconnect();
            laptop.connect(server.connection("bob", "laptop-" + s));
            long laptopId = laptop.account.device().deviceId();

            laptop.manager.send(chat(alice.connection.getUser(), "from my new laptop")).get(20, TimeUnit.SECONDS);
            DecryptedStanza received = alice.next();
            assertEquals("from my new laptop", body(received), "what a new device sends is delivered");
            assertEquals(TrustLevel.VERIFIED, received.trust());
            assertFalse(received.deviceApproved(), "but it is marked as not approved");
            var needs = alice.awaitEvent(SecurityEvent.DeviceNeedsApproval.class, e -> e.deviceId() == laptopId);
            assertEquals(bobAccount, needs.peer());
            assertEquals(Set.of(laptopId), alice.manager.contact(bobAccount).orElseThrow().pendingDevices());

            var reply = alice.manager.send(chat(laptop.connection.getUser(), "who is this?"));
            assertHeld(reply, SendFailure.DEVICE_NOT_APPROVED);
            alice.awaitEvent(SecurityEvent.SendFailed.class, e -> e.reason() == SendFailure.DEVICE_NOT_APPROVED);
            assertNull(laptop.inbox.poll(QUIET_MS, TimeUnit.MILLISECONDS), "nothing goes to an unapproved device");
            assertTrue(laptop.events.stream().noneMatch(e -> e instanceof SecurityEvent.UndecryptableStanza),
                    "not even ciphertext for other devices: " + laptop.events);

            assertTrue(alice.manager.approveDevice(bobAccount, laptopId));
            assertEquals("who is this?", body(laptop.next()), "the held message goes once the device is approved");
            assertEquals(Set.of(), alice.manager.contact(bobAccount).orElseThrow().pendingDevices());
            assertFalse(alice.manager.approveDevice(bobAccount, laptopId), "approved once");
        } finally {
            alice.disconnect();
            bob.disconnect();
            laptop.disconnect();
        }
    }

    /**
     * Mallory holds copies of bob's device keys but not his history: alice had verified bob, and the broken
     * continuity withdraws that and holds what alice sends (DISTRUSTED) until the SAS is compared again.
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aBrokenContinuityWithdrawsTheVerification(ServerKind kind, XmppServers servers) throws Exception {
        XmppServers.Server server = servers.get(kind);
        String s = suffix();
        SottoParty[] parties = session(server, s);
        SottoParty alice = parties[0];
        SottoParty bob = parties[1];
        SottoParty mallory = new SottoParty(StolenDevice.copyKeysOf(bob.account));
        BareJid bobAccount = bob.connection.getUser().asBareJid();
        try {
            assertTrue(alice.manager.markVerified(bobAccount));
            bob.disconnect();
            mallory.connect(server.connection("bob", "m-" + s));
            mallory.manager.send(chat(alice.connection.getUser(), "it's me, bob")).get(20, TimeUnit.SECONDS);
            DecryptedStanza forged = alice.next();
            alice.awaitEvent(SecurityEvent.ContinuityBroken.class, e -> e.peer().equals(bobAccount));
            assertEquals(TrustLevel.DISTRUSTED, forged.trust(), "not shown as verified");
            assertEquals(Optional.of(TrustLevel.DISTRUSTED), alice.manager.trustLevel(bobAccount),
                    "a contact alice relied on is held");
            assertHeld(alice.manager.send(chat(bob.connection.getUser(), "is that you?")), SendFailure.DISTRUSTED);
            assertTrue(alice.manager.markVerified(bobAccount), "until the users compare again");
            assertEquals(Optional.of(TrustLevel.VERIFIED), alice.manager.trustLevel(bobAccount));
        } finally {
            alice.disconnect();
            bob.disconnect();
            mallory.disconnect();
        }
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aDistrustedContactGetsNothing(ServerKind kind, XmppServers servers) throws Exception {
        SottoParty[] parties = session(servers.get(kind), suffix());
        SottoParty alice = parties[0];
        SottoParty bob = parties[1];
        BareJid bobAccount = bob.connection.getUser().asBareJid();
        try {
            assertTrue(alice.manager.distrust(bobAccount));
            assertEquals(Optional.of(TrustLevel.DISTRUSTED), alice.manager.trustLevel(bobAccount));
            try (StanzaCounter aliceSotto = new StanzaCounter(alice.connection,
                    new StanzaExtensionFilter(SottoEncrypted.ELEMENT, SottoEncrypted.NAMESPACE))) {
                assertHeld(alice.manager.send(chat(bob.connection.getUser(), "are you still there?")),
                        SendFailure.DISTRUSTED);
                alice.awaitEvent(SecurityEvent.SendFailed.class, e -> e.reason() == SendFailure.DISTRUSTED);
                assertNull(bob.inbox.poll(QUIET_MS, TimeUnit.MILLISECONDS));
                assertEquals(0, aliceSotto.settle().sent(), "not a single Sotto stanza left alice");
            }
            assertTrue(alice.manager.markVerified(bobAccount), "a later SAS match lifts the distrust");
            assertEquals("are you still there?", body(bob.next()), "the held message goes then");
        } finally {
            alice.disconnect();
            bob.disconnect();
        }
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aChangedAccountKeyStopsAndAlertsUntilAccepted(ServerKind kind, XmppServers servers) throws Exception {
        XmppServers.Server server = servers.get(kind);
        String s = suffix();
        SottoParty[] parties = session(server, s);
        SottoParty alice = parties[0];
        SottoParty bob = parties[1];
        BareJid bobAccount = bob.connection.getUser().asBareJid();
        SottoParty reinstalled = new SottoParty();
        try {
            bob.disconnect();
            reinstalled.connect(server.connection("bob", "new-" + s));
            // Not awaited: alice commits no session under a key she has not accepted, so she sends no confirmation
            // and the new device keeps its message queued (protocol.md 7.3) until she accepts.
            reinstalled.manager.send(chat(alice.connection.getUser(), "I reinstalled"));
            var changed = alice.awaitEvent(SecurityEvent.KeyChanged.class, e -> e.peer().equals(bobAccount));
            assertEquals(bob.account.fingerprint(), changed.pinned());
            assertEquals(reinstalled.account.fingerprint(), changed.presented());
            assertNull(alice.inbox.poll(QUIET_MS, TimeUnit.MILLISECONDS), "nothing under the new key is shown");
            assertEquals(bob.account.fingerprint(), alice.manager.contact(bobAccount).orElseThrow().fingerprint(),
                    "the old key stays pinned");

            assertHeld(alice.manager.send(chat(reinstalled.connection.getUser(), "prove it")),
                    SendFailure.KEY_CHANGED);
            assertNull(reinstalled.inbox.poll(QUIET_MS, TimeUnit.MILLISECONDS), "held, not sent");

            assertTrue(alice.manager.acceptNewKey(bobAccount));
            assertEquals("prove it", body(reinstalled.next()), "the held message goes under the accepted key");
            var status = alice.manager.contact(bobAccount).orElseThrow();
            assertEquals(reinstalled.account.fingerprint(), status.fingerprint());
            assertEquals(TrustLevel.UNVERIFIED, status.level());
            assertFalse(alice.manager.acceptNewKey(bobAccount), "no change pending any more");
        } finally {
            alice.disconnect();
            bob.disconnect();
            reinstalled.disconnect();
        }
    }
}
