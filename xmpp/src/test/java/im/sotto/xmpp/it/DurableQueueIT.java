package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import im.sotto.store.Protection;
import im.sotto.store.SqliteAccountStore;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SottoAccount;
import im.sotto.xmpp.SottoTransportManager;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.StanzaExtensionFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.jxmpp.jid.BareJid;

/** Stanzas waiting for a session survive a process restart, on the real SQLite store and real servers. */
@ExtendWith(XmppServersExtension.class)
class DurableQueueIT {
    /**
     * Bob's resource advertises Sotto but its Sotto is not running (it crashed, say): alice's message to it waits
     * for a handshake that does not complete, and it is in her store. Alice's process ends (manager disabled,
     * connection closed, store closed) before anything more happens. Bob starts Sotto on the same resource; alice
     * starts again on the same store, and her new manager sends the message after login. Bob reads it once; nothing
     * before carried it in plaintext; alice's store queue is empty again.
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aMessageWaitingForASessionIsSentAfterARestart(ServerKind kind, XmppServers servers, @TempDir Path dir)
            throws Exception {
        XmppServers.Server server = servers.get(kind);
        String s = UUID.randomUUID().toString().substring(0, 8);
        String text = "kept across a restart " + s;
        Path database = dir.resolve("alice.sotto");
        Path keyFile = dir.resolve("alice.key");

        XMPPTCPConnection bobWithoutSotto = server.connection("bob", "b-" + s);
        ServiceDiscoveryManager.getInstanceFor(bobWithoutSotto).addFeature(SottoTransportManager.FEATURE);
        Pair.login(bobWithoutSotto);
        BareJid bobAccount = bobWithoutSotto.getUser().asBareJid();
        SqliteAccountStore store = SqliteAccountStore.create(database, Protection.keyFile(keyFile));
        SottoParty alice = new SottoParty(SottoAccount.open(store, new SecureRandom(), Clock.systemUTC()));
        SottoParty bob = null;
        SottoParty aliceAgain = null;
        try (StanzaCollector reachedBob = bobWithoutSotto.createStanzaCollector(
                new StanzaExtensionFilter(SottoEncrypted.ELEMENT, SottoEncrypted.NAMESPACE))) {
            alice.connect(server.connection("alice", "a-" + s));
            CompletableFuture<Void> sent = alice.manager.send(chat(bobWithoutSotto.getUser(), text));
            Stanza handshake = reachedBob.nextResult(SottoParty.WAIT_MS);
            assertNotNull(handshake, "alice starts a handshake with bob's resource");
            assertNull(((Message) handshake).getBody(), "a handshake step carries no body");
            assertFalse(handshake.toXML().toString().contains(text), "nothing in plaintext");
            assertEquals(1, store.transact(st -> st.outboundQueue().pending(bobAccount.toString())).size(),
                    "the message waits in alice's store");
            assertFalse(sent.isDone(), "no session yet");

            alice.manager.disable();
            alice.disconnect();
            store.close();
            assertNull(reachedBob.nextResult(500), "alice sent nothing more");
            bobWithoutSotto.disconnect();

            bob = new SottoParty().connect(server.connection("bob", "b-" + s));
            SqliteAccountStore reopened = SqliteAccountStore.open(database, Protection.keyFile(keyFile));
            aliceAgain = new SottoParty(SottoAccount.open(reopened, new SecureRandom(), Clock.systemUTC()));
            aliceAgain.connect(server.connection("alice", "a2-" + s));

            DecryptedStanza received = bob.next();
            assertEquals(text, ((Message) received.stanza()).getBody());
            assertEquals(aliceAgain.account.fingerprint(), received.accountFingerprint().orElseThrow());
            assertEquals(alice.account.fingerprint(), aliceAgain.account.fingerprint(), "the same account");
            assertNull(bob.inbox.poll(2, TimeUnit.SECONDS), "delivered exactly once");
            assertTrue(reopened.transact(st -> st.outboundQueue().pending(bobAccount.toString())).isEmpty(),
                    "the store's queue is empty once the message was encrypted");
        } finally {
            alice.disconnect();
            bobWithoutSotto.disconnect();
            if (bob != null) {
                bob.disconnect();
            }
            if (aliceAgain != null) {
                aliceAgain.disconnect();
                aliceAgain.account.store().close();
            }
        }
    }

    private static Message chat(org.jxmpp.jid.Jid to, String body) {
        return StanzaBuilder.buildMessage().to(to).ofType(Message.Type.chat).setBody(body).build();
    }
}
