package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import im.sotto.protocol.handshake.HandshakeConfig;
import im.sotto.protocol.handshake.HandshakeStep;
import im.sotto.protocol.handshake.OnlineInitiator;
import im.sotto.harness.Secrets;
import im.sotto.protocol.session.ExternalTrust;
import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.protocol.trust.TestPki;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.RefusalReason;
import im.sotto.xmpp.SessionOrigin;
import im.sotto.xmpp.SottoAccount;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.FromMatchesFilter;
import org.jivesoftware.smack.filter.StanzaExtensionFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.jxmpp.jid.Jid;

/**
 * The default reveal policy on Prosody and ejabberd: carol, a stranger to bob, opens a handshake as an identity
 * prober would (offering every mode) and plays it to the end with her own valid identity. Nothing bob sends her holds
 * a byte of his account key, device key or certificate, her handshake never completes (so nothing she decrypted held
 * them either), and bob reports the refusal. Alice, bob's contact, still gets the one-round XX handshake.
 */
@ExtendWith(XmppServersExtension.class)
class RevealPolicyIT {
    /** How long carol waits for a message 4 that must not come. */
    private static final long QUIET_MS = 3_000;

    private static Message carrying(Jid to, byte[] handshake) {
        return StanzaBuilder.buildMessage().to(to).ofType(Message.Type.chat)
                .addExtension(new SottoEncrypted(SottoEncrypted.Kind.HANDSHAKE, handshake)).build();
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aStrangersOpeningYieldsNoByteOfTheResponderWhileAContactGetsOneRound(ServerKind kind, XmppServers servers)
            throws Exception {
        XmppServers.Server server = servers.get(kind);
        String s = UUID.randomUUID().toString().substring(0, 8);
        SottoParty bob = new SottoParty().connect(server.connection("bob", "b-" + s));
        XMPPTCPConnection carol = Pair.login(server.connection("carol", "c-" + s));
        SottoParty alice = null;
        try {
            Jid bobJid = bob.connection.getUser();
            // Bob attaches an X.509 certification of his account: it must not reach a stranger either.
            X509Certificate certification = TestPki.root("CN=Bob's employer").issueAccount(bob.account.identity()
                    .publicKey(), bobJid.asBareJid().toString(), Instant.now().minus(Duration.ofDays(1)),
                    Instant.now().plus(Duration.ofDays(30)));
            bob.account.useExternalTrust(ExternalTrust.builder().attachX509(List.of(certification)).build());
            OnlineInitiator prober = OnlineInitiator.create(HandshakeConfig.builder(SottoAccount.open(
                    new InMemoryAccountStore(), new SecureRandom(), Clock.systemUTC()).device()).build(),
                    new SecureRandom(), Clock.systemUTC());
            List<String> recorded = new ArrayList<>();
            Optional<HandshakeStep> completed = Optional.empty();
            try (StanzaCollector fromBob = carol.createStanzaCollector(new AndFilter(FromMatchesFilter.createFull(bobJid),
                    new StanzaExtensionFilter(SottoEncrypted.ELEMENT, SottoEncrypted.NAMESPACE)))) {
                carol.sendStanza(carrying(bobJid, prober.start()));
                Stanza answer = fromBob.nextResult(SottoParty.WAIT_MS);
                assertTrue(answer != null, "bob answers the opening (in the protected mode)");
                recorded.add(answer.toXML().toString());
                HandshakeStep afterTwo = prober.receive(SottoPayload.of(recorded.get(0), SottoEncrypted.Kind.HANDSHAKE)
                        .orElseThrow(), new byte[0]);
                if (afterTwo.result().isPresent()) {
                    completed = Optional.of(afterTwo);   // XX: bob's certificate was in message 2
                }
                carol.sendStanza(carrying(bobJid, afterTwo.message().orElseThrow()));
                bob.awaitEvent(SecurityEvent.SessionRefused.class, e -> e.from().equals(carol.getUser())
                        && e.reason() == RefusalReason.STRANGER_NOT_REVEALED);
                for (Stanza more; (more = fromBob.nextResult(QUIET_MS)) != null; ) {
                    recorded.add(more.toXML().toString());
                    Optional<byte[]> step = SottoPayload.of(recorded.get(recorded.size() - 1),
                            SottoEncrypted.Kind.HANDSHAKE);
                    if (step.isPresent() && completed.isEmpty()) {
                        completed = Optional.of(prober.receive(step.get(), new byte[0]));
                    }
                }
            }
            assertTrue(completed.isEmpty() || completed.get().result().isEmpty(),
                    "carol's handshake completed: she holds bob's certificate");
            List<String> found = new Secrets().account("bob", bob.account.identity(), bob.account.device())
                    .bytes("bob's X.509 certification", certification.getEncoded())
                    .foundIn(String.join("\n", recorded));
            assertEquals(List.of(), found, "what bob sent the stranger");

            alice = new SottoParty().connect(server.connection("alice", "a-" + s));
            try (StanzaCounter aliceSotto = new StanzaCounter(alice.connection,
                    new StanzaExtensionFilter(SottoEncrypted.ELEMENT, SottoEncrypted.NAMESPACE))) {
                alice.manager.send(StanzaBuilder.buildMessage().to(bobJid).ofType(Message.Type.chat)
                        .setBody("hello bob").build()).get(20, TimeUnit.SECONDS);
                assertEquals("hello bob", ((Message) bob.next().stanza()).getBody());
                assertEquals(SessionOrigin.ONLINE_HANDSHAKE, alice.awaitEvent(SecurityEvent.SessionEstablished.class,
                        e -> true).origin());
                aliceSotto.settle();
                // XX in 3 stanzas, bob's confirmation of the session, then the message (protocol.md 7.3).
                assertEquals(5, aliceSotto.sent() + aliceSotto.received(), "XX: the message in the fifth stanza");
            }
        } finally {
            carol.disconnect();
            bob.disconnect();
            if (alice != null) {
                alice.disconnect();
            }
        }
    }

    /**
     * A stranger with Sotto is not shut out: dave (no roster item, no trust record at bob) writes to bob. His online
     * handshake ends without bob's identity; after its timeout dave writes first through bob's published bundle
     * (which carries no identity key), bob reads it, and his answer goes back in that session.
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aStrangerWhoseHandshakeIsRefusedWritesFirstThroughTheBundle(ServerKind kind, XmppServers servers)
            throws Exception {
        XmppServers.Server server = servers.get(kind);
        String s = UUID.randomUUID().toString().substring(0, 8);
        SottoParty bob = new SottoParty().connect(server.connection("bob", "b-" + s));
        SottoParty dave = new SottoParty().connect(server.connection("dave", "d-" + s));
        try {
            Jid bobJid = bob.connection.getUser();
            Jid daveJid = dave.connection.getUser();
            dave.manager.send(StanzaBuilder.buildMessage().to(bobJid).ofType(Message.Type.chat)
                    .setBody("hello, we have not met " + s).build()).get(60, TimeUnit.SECONDS);
            bob.awaitEvent(SecurityEvent.SessionRefused.class, e -> e.from().equals(daveJid)
                    && e.reason() == RefusalReason.STRANGER_NOT_REVEALED);
            var first = bob.next();
            assertEquals("hello, we have not met " + s, ((Message) first.stanza()).getBody());
            assertEquals(SessionOrigin.OFFLINE_FIRST_MESSAGE, first.origin());
            bob.manager.send(StanzaBuilder.buildMessage().to(daveJid).ofType(Message.Type.chat)
                    .setBody("hello dave " + s).build()).get(30, TimeUnit.SECONDS);
            assertEquals("hello dave " + s, ((Message) dave.next().stanza()).getBody());
        } finally {
            dave.disconnect();
            bob.disconnect();
        }
    }
}
