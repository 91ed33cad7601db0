package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import im.sotto.protocol.handshake.HandshakeConfig;
import im.sotto.protocol.handshake.OnlineInitiator;
import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.RefusalReason;
import im.sotto.xmpp.SendFailure;
import im.sotto.xmpp.SottoAccount;
import im.sotto.xmpp.SottoSendException;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.StanzaExtensionFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

/**
 * Sotto makes no session with a multi-user chat, on Prosody and ejabberd: bob and carol share a room. Carol opens a
 * handshake with bob's occupant JID (a private message the room relays from {@code room/carol}), and she sends one
 * as a {@code groupchat} message straight to bob's resource. Bob answers neither (before, he answered both with a
 * handshake message 2, making a session with a nickname) and reports each with its reason; bob's own attempt to send
 * to carol's occupant JID fails with a typed reason, and nothing leaves.
 */
@ExtendWith(XmppServersExtension.class)
class MultiUserChatIT {
    /** How long carol watches for an answer that must not come. */
    private static final long QUIET_MS = 2_000;

    private static Message opening(Jid to, Message.Type type) throws Exception {
        byte[] first = OnlineInitiator.create(HandshakeConfig.builder(SottoAccount.open(new InMemoryAccountStore(),
                new SecureRandom(), Clock.systemUTC()).device()).build(), new SecureRandom(), Clock.systemUTC())
                .start();
        return StanzaBuilder.buildMessage().to(to).ofType(type)
                .addExtension(new SottoEncrypted(SottoEncrypted.Kind.HANDSHAKE, first)).build();
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void noSessionWithARoomOccupantOrForAGroupchatStanza(ServerKind kind, XmppServers servers) throws Exception {
        XmppServers.Server server = servers.get(kind);
        String s = UUID.randomUUID().toString().substring(0, 8);
        SottoParty bob = new SottoParty().connect(server.connection("bob", "b-" + s));
        XMPPTCPConnection carol = Pair.login(server.connection("carol", "c-" + s));
        try {
            EntityBareJid room = JidCreate.entityBareFrom("r-" + s + "@conference." + server.domain());
            MultiUserChat bobInRoom = MultiUserChatManager.getInstanceFor(bob.connection).getMultiUserChat(room);
            bobInRoom.create(Resourcepart.from("bob")).makeInstant();
            MultiUserChat carolInRoom = MultiUserChatManager.getInstanceFor(carol).getMultiUserChat(room);
            carolInRoom.join(Resourcepart.from("carol"));
            Jid bobOccupant = JidCreate.entityFullFrom(room, Resourcepart.from("bob"));
            Jid carolOccupant = JidCreate.entityFullFrom(room, Resourcepart.from("carol"));

            try (StanzaCollector answers = carol.createStanzaCollector(
                    new StanzaExtensionFilter(SottoEncrypted.ELEMENT, SottoEncrypted.NAMESPACE))) {
                carol.sendStanza(opening(bobOccupant, Message.Type.chat));
                bob.awaitEvent(SecurityEvent.SessionRefused.class, e -> e.from().equals(carolOccupant)
                        && e.reason() == RefusalReason.MUC_OCCUPANT);

                carol.sendStanza(opening(bob.connection.getUser(), Message.Type.groupchat));
                bob.awaitEvent(SecurityEvent.SessionRefused.class, e -> e.from().equals(carol.getUser())
                        && e.reason() == RefusalReason.GROUPCHAT);
                assertNull(answers.nextResult(QUIET_MS), "bob answered a handshake from a room");
            }

            ExecutionException failed = assertThrows(ExecutionException.class, () -> bob.manager.send(
                    StanzaBuilder.buildMessage().to(carolOccupant).ofType(Message.Type.chat).setBody("psst").build())
                    .get(20, TimeUnit.SECONDS));
            assertEquals(SendFailure.MUC_OCCUPANT, assertInstanceOf(SottoSendException.class, failed.getCause())
                    .reason());
            failed = assertThrows(ExecutionException.class, () -> bob.manager.send(StanzaBuilder.buildMessage()
                    .to(room).ofType(Message.Type.groupchat).setBody("to everyone").build()).get(20, TimeUnit.SECONDS));
            assertEquals(SendFailure.GROUPCHAT, assertInstanceOf(SottoSendException.class, failed.getCause())
                    .reason());
        } finally {
            carol.disconnect();
            bob.disconnect();
        }
    }
}
