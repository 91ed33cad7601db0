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
import java.util.concurrent.atomic.AtomicInteger;

import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SendFailure;
import im.sotto.xmpp.UndecryptableReason;
import im.sotto.xmpp.SottoSendException;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.packet.Message;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Downgrade by editing the offer in handshake message 1 (docs/protocol.md 4.2: offer bytes at 2..4 are versions,
 * suites, modes). The offer is bound into the handshake, so the initiator finds message 2 does not match what it
 * offered: TAMPERED (the event says so), no session on either side, and after the retries the message stays
 * queued; it goes out as soon as the server stops editing. The binding offers one protocol version, so dropping
 * "the best version" is shown at the protocol level (HandshakeAttackTest#offerEditedToDropTheBestVersionFailsAsTampering).
 */
@ExtendWith(XmppServersExtension.class)
class OfferTamperingIT {
    private static final int INIT = 0x10;
    private static final int SUITES = 3;
    private static final int MODES = 4;

    /** Drops suite bit 0 (AES-GCM, everyone's first choice) so the responder picks another. */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void anOfferWithoutTheBestSuiteFailsAsTampering(ServerKind kind, XmppServers servers) throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(kind))) {
            editOfferThenRecover(scene, SUITES, 0x01);
        }
    }

    /** Drops mode bit 0 (XX) so the responder must choose the responder-protected pattern. */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void anOfferWithoutTheBestModeFailsAsTampering(ServerKind kind, XmppServers servers) throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(kind))) {
            editOfferThenRecover(scene, MODES, 0x01);
        }
    }

    private static void editOfferThenRecover(HostileScene scene, int offset, int bit) throws Exception {
        SottoParty alice = scene.alice;
        SottoParty bob = scene.bob;
        alice.manager.setHandshakeTimeout(HostileScene.SHORT_HANDSHAKE_TIMEOUT);
        AtomicInteger edits = new AtomicInteger();
        scene.relay.rule(stanza -> {
            boolean init = HostileScene.sentBy(stanza, alice) && SottoPayload.of(stanza.xml(),
                    SottoEncrypted.Kind.HANDSHAKE).map(p -> (p[1] & 0xff) == INIT && (p[offset] & bit) != 0).orElse(false);
            if (!init) {
                return List.of(stanza.xml());
            }
            edits.incrementAndGet();
            return List.of(SottoPayload.edit(stanza.xml(), SottoEncrypted.Kind.HANDSHAKE,
                    p -> p[offset] &= (byte) ~bit));
        });

        CompletableFuture<Void> sent = alice.manager.send(scene.secretChat(scene.bobJid(), "first " + scene.suffix));
        var tampered = alice.awaitEvent(SecurityEvent.UndecryptableStanza.class,
                e -> e.reason() == UndecryptableReason.TAMPERED);
        assertTrue(tampered.detail().startsWith("handshake: TAMPERED"), tampered.detail());
        assertEquals(scene.bobJid(), tampered.from());
        ExecutionException failure = assertThrows(ExecutionException.class, () -> sent.get(30, TimeUnit.SECONDS));
        SottoSendException cause = assertInstanceOf(SottoSendException.class, failure.getCause());
        assertEquals(SendFailure.NEGOTIATION_FAILED, cause.reason());
        assertTrue(cause.stillQueued());
        assertEquals(3, edits.get(), "every attempt's offer was edited");
        assertTrue(alice.account.store().transact(s -> s.sessions().devices(scene.bobAccount().toString())).isEmpty(),
                "alice made no session under the edited offer");
        assertTrue(bob.account.store().transact(s -> s.sessions().devices(scene.aliceJid().asBareJid().toString()))
                .isEmpty(), "neither did bob");
        assertTrue(bob.events.stream().noneMatch(e -> e instanceof SecurityEvent.SessionEstablished), bob.events.toString());
        assertNull(bob.inbox.poll(300, TimeUnit.MILLISECONDS), "nothing delivered");

        scene.relay.rule(StanzaRule.PASS);
        alice.manager.send(scene.secretChat(scene.bobJid(), "second " + scene.suffix)).get(20, TimeUnit.SECONDS);
        assertEquals("first " + scene.suffix, ((Message) bob.next().stanza()).getBody());
        assertEquals("second " + scene.suffix, ((Message) bob.next().stanza()).getBody());
        scene.assertNothingSecretOnTheWire();
    }
}
