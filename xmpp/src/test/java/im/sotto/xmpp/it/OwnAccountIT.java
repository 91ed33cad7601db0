package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.UndecryptableReason;
import im.sotto.xmpp.SendFailure;
import im.sotto.xmpp.SottoSendException;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue #18: a message to the account's own address made the device run a handshake with itself (both ends in one
 * process under one JID): 39 s of retries, then UNEXPECTED_MESSAGE reported as TAMPERED. The binding now never picks
 * its own resource, so with no other device the send fails at once, and nothing is reported as tampering.
 */
@ExtendWith(XmppServersExtension.class)
class OwnAccountIT {
    /** Far below the 39 s the self-handshake's retries took; a PEP round trip on a loaded machine fits easily. */
    private static final long FAILS_WITHIN_SECONDS = 15;

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aNoteToSelfWithoutAnotherDeviceFailsAtOnceAndIsNeverTampering(ServerKind kind, XmppServers servers)
            throws Exception {
        XmppServers.Server server = servers.get(kind);
        SottoParty alice = new SottoParty().connect(server.connection("alice",
                "own-" + UUID.randomUUID().toString().substring(0, 8)));
        try {
            // Other tests on this server ran devices of alice that are still listed, and a note to self rightly goes
            // to them: start from a device list that names this device alone, as a first device's account has.
            org.jivesoftware.smackx.pubsub.PubSubManager.getInstanceFor(alice.connection,
                    alice.connection.getUser().asBareJid()).deleteNode(im.sotto.xmpp.pep.PepNodes.DEVICE_LIST);
            alice.manager.republish().get(FAILS_WITHIN_SECONDS, TimeUnit.SECONDS);
            Message note = StanzaBuilder.buildMessage().to(alice.connection.getUser().asBareJid())
                    .ofType(Message.Type.chat).setBody("remember the milk").build();
            CompletableFuture<Void> sent = alice.manager.send(note);
            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> sent.get(FAILS_WITHIN_SECONDS, TimeUnit.SECONDS));
            SottoSendException cause = assertInstanceOf(SottoSendException.class, failure.getCause());
            assertEquals(SendFailure.PEER_HAS_NO_SOTTO, cause.reason(), cause.getMessage());
            Thread.sleep(2_000); // anything echoed back by the server arrives meanwhile
            List<SecurityEvent> tampered = alice.events.stream().filter(e -> e instanceof
                    SecurityEvent.UndecryptableStanza u && u.reason() == UndecryptableReason.TAMPERED)
                    .toList();
            assertEquals(List.of(), tampered);
            assertTrue(alice.inbox.isEmpty(), "nothing delivered: " + alice.inbox);
        } finally {
            alice.disconnect();
        }
    }
}
