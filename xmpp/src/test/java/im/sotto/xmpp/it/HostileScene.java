package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import im.sotto.harness.Secrets;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;

/**
 * Alice and Bob, both with Sotto, connected to a real server through one {@link HostileRelay}, and what the attack
 * tests ask of them: which stanzas carry which Sotto element, what waits in a store's queue, and that nothing the
 * relay saw reveals a plaintext or a key.
 */
final class HostileScene implements AutoCloseable {
    /** Short, so three handshake attempts (t, 2t, 4t) end within seconds; loopback answers in milliseconds. */
    static final Duration SHORT_HANDSHAKE_TIMEOUT = Duration.ofMillis(700);

    final XmppServers.Server server;
    final HostileRelay relay;
    final String suffix = UUID.randomUUID().toString().substring(0, 8);
    final SottoParty alice;
    final SottoParty bob;
    final Secrets secrets = new Secrets();

    HostileScene(XmppServers.Server server) throws Exception {
        this(server, new SottoParty(), new SottoParty());
    }

    HostileScene(XmppServers.Server server, SottoParty alice, SottoParty bob) throws Exception {
        this(server, alice, bob, false);
    }

    /** As above; with {@code streamManagement} the relay lets the server's stream management through. */
    HostileScene(XmppServers.Server server, SottoParty alice, SottoParty bob, boolean streamManagement)
            throws Exception {
        this.server = server;
        this.relay = streamManagement ? new HostileRelay(server).keepStreamManagement() : new HostileRelay(server);
        this.alice = alice.connect(server.connectionVia("alice", "a-" + suffix, relay.port()));
        this.bob = bob.connect(server.connectionVia("bob", "b-" + suffix, relay.port()));
        secrets.account("alice", alice.account.identity(), alice.account.device())
                .account("bob", bob.account.identity(), bob.account.device());
    }

    Jid aliceJid() {
        return alice.connection.getUser();
    }

    Jid bobJid() {
        return bob.connection.getUser();
    }

    BareJid bobAccount() {
        return bob.connection.getUser().asBareJid();
    }

    /** A chat message whose body is also registered as a secret that must never appear on the wire. */
    Message secretChat(Jid to, String body) {
        secrets.text("plaintext '" + body + "'", body);
        return StanzaBuilder.buildMessage().to(to).ofType(Message.Type.chat).setBody(body).build();
    }

    /** How many stanzas {@code party}'s store keeps queued for {@code peer}. */
    static int queued(SottoParty party, BareJid peer) {
        return party.account.store().transact(s -> s.outboundQueue().pending(peer.toString())).size();
    }

    /** True if the stanza carries a Sotto element of {@code kind}. */
    static boolean carries(RelayedStanza stanza, SottoEncrypted.Kind kind) {
        return stanza.contains(SottoEncrypted.NAMESPACE) && !isArchiveResult(stanza)
                && SottoPayload.count(stanza.xml(), kind) > 0;
    }

    /**
     * A result of the client's own archive query (XEP-0313 catch-up after a login): a copy the server forwards on
     * request, not its delivery of a stanza; the attack rules and counts are about deliveries.
     */
    static boolean isArchiveResult(RelayedStanza stanza) {
        return stanza.contains("urn:xmpp:mam:2");
    }

    /** A Sotto message stanza sent by the client on {@code party}'s connection. */
    static boolean sentBy(RelayedStanza stanza, SottoParty party) {
        return stanza.toServer() && stanza.name().equals("message") && stanza.contains(SottoEncrypted.NAMESPACE)
                && stanza.link().jid() != null && stanza.link().jid().equals(party.connection.getUser().toString());
    }

    /** Waits (up to {@link SottoParty#WAIT_MS}) until {@code list} holds at least {@code size} entries. */
    static <T> List<T> awaitSize(List<T> list, int size) throws InterruptedException {
        long deadline = System.nanoTime() + SottoParty.WAIT_MS * 1_000_000;
        while (list.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(size, list.size(), "the relay saw " + list.size() + " of the stanzas expected");
        return list;
    }

    /** Asserts that no registered plaintext, key or certificate appears in anything the relay received. */
    void assertNothingSecretOnTheWire() {
        assertEquals(List.of(), secrets.foundIn(relay.recorded()), "the wire reveals secrets");
    }

    @Override
    public void close() throws Exception {
        alice.disconnect();
        bob.disconnect();
        relay.close();
    }
}
