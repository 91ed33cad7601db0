package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SendFailure;
import im.sotto.xmpp.SottoSendException;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A password agreed between two contacts, through CPace in the handshake, on real Prosody and ejabberd. */
@ExtendWith(XmppServersExtension.class)
class ContactPasswordIT {
    private static Message chat(org.jxmpp.jid.Jid to, String body) {
        return StanzaBuilder.buildMessage().to(to).ofType(Message.Type.chat).setBody(body).build();
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void theSamePasswordGivesASessionAWrongOneFailsAtOnceWithAReason(ServerKind kind, XmppServers servers)
            throws Exception {
        String s = UUID.randomUUID().toString().substring(0, 8);
        // Only alice and bob: carol must stay a user without Sotto for the other tests on these servers.
        SottoParty alice = new SottoParty().connect(servers.get(kind).connection("alice", "a-" + s));
        SottoParty bob = new SottoParty().connect(servers.get(kind).connection("bob", "b-" + s));
        SottoParty alice2 = null;
        SottoParty bob2 = null;
        try {
            alice.manager.setContactPassword(bob.connection.getUser().asBareJid(), "amber lighthouse".toCharArray());
            bob.manager.setContactPassword(alice.connection.getUser().asBareJid(), "amber lighthouse".toCharArray());
            alice.manager.send(chat(bob.connection.getUser(), "with our password")).get(20, TimeUnit.SECONDS);
            assertEquals("with our password", ((Message) bob.next().stanza()).getBody());
            assertTrue(bob.awaitEvent(SecurityEvent.SessionEstablished.class, e -> true).passwordChecked(),
                    "the session says the password was checked");
            assertTrue(alice.awaitEvent(SecurityEvent.SessionEstablished.class, e -> true).passwordChecked());

            // Two new devices whose users typed different passwords: no session, no retry, a clear reason.
            alice2 = new SottoParty().connect(servers.get(kind).connection("alice", "a2-" + s));
            bob2 = new SottoParty().connect(servers.get(kind).connection("bob", "b2-" + s));
            alice2.manager.setContactPassword(bob2.connection.getUser().asBareJid(), "amber lighthouse".toCharArray());
            bob2.manager.setContactPassword(alice2.connection.getUser().asBareJid(), "a different one".toCharArray());
            SottoParty sender = alice2;
            SottoParty receiver = bob2;
            ExecutionException failed = assertThrows(ExecutionException.class, () -> sender.manager
                    .send(chat(receiver.connection.getUser(), "must not arrive")).get(20, TimeUnit.SECONDS));
            SottoSendException reason = assertInstanceOf(SottoSendException.class, failed.getCause());
            assertEquals(SendFailure.PASSWORD_MISMATCH, reason.reason());
            assertTrue(receiver.inbox.isEmpty(), "nothing was delivered");
        } finally {
            alice.disconnect();
            bob.disconnect();
            if (alice2 != null) {
                alice2.disconnect();
            }
            if (bob2 != null) {
                bob2.disconnect();
            }
        }
    }
}
