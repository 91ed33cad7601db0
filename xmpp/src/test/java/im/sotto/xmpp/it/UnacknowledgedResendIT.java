package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import im.sotto.harness.Secrets;
import im.sotto.protocol.session.OutboundRecord;
import im.sotto.protocol.store.QueuedStanza;
import im.sotto.store.Protection;
import im.sotto.store.SqliteAccountStore;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.SendFailure;
import im.sotto.xmpp.UndecryptableReason;
import im.sotto.xmpp.SottoAccount;
import im.sotto.xmpp.SottoSendException;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.jxmpp.jid.BareJid;

/**
 * Encrypted stanzas are kept until the server acknowledges them (XEP-0198), so a client that dies after encrypting
 * but before the server got them loses nothing: the next run sends them again, unchanged, after login. Bob's client
 * (real SQLite store) talks to alice through a {@link HostileRelay} that plays the lost bytes: it swallows bob's
 * encrypted messages on their way to the server (or the server's acknowledgements on their way back), then cuts the
 * link, as a crash would; bob's process state (manager, connection, Smack's own unacknowledged queue) is thrown away
 * and a new manager starts on the same store.
 */
@ExtendWith(XmppServersExtension.class)
class UnacknowledgedResendIT {
    static final int LOST = 3;
    private static final Pattern ENCRYPTED = Pattern.compile("<encrypted[^>]*>[^<]*</encrypted>");

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void messagesTheServerNeverGotAreSentAgainAfterARestartAndArriveExactlyOnce(ServerKind kind, XmppServers servers,
            @TempDir Path dir) throws Exception {
        try (Scene scene = new Scene(servers.get(kind), dir)) {
            List<String> swallowed = new CopyOnWriteArrayList<>();
            scene.relay.rule(stanza -> {
                if (stanza.toServer() && stanza.name().equals("message") && stanza.contains(SottoEncrypted.NAMESPACE)) {
                    swallowed.add(stanza.xml());
                    return List.of();
                }
                return List.of(stanza.xml());
            });
            List<String> bodies = scene.bobSends("never reached the server");
            await(() -> swallowed.size() == LOST, "the relay swallowed bob's messages");
            List<QueuedStanza> kept = scene.keptCopies();
            assertEquals(LOST, kept.size(), "each encrypted message is kept until the server acknowledges it");
            for (QueuedStanza copy : kept) {
                String record = new String(copy.stanza(), StandardCharsets.UTF_8);
                assertTrue(record.contains(SottoEncrypted.NAMESPACE), "the copy is the encrypted stanza");
                bodies.forEach(body -> assertFalse(record.contains(body), "no plaintext in a kept copy"));
            }
            String files = Secrets.readTree(dir);   // the database, its write-ahead log, the key file
            bodies.forEach(body -> assertFalse(files.contains(body), "no plaintext in bob's store files"));

            scene.crashBob();
            scene.relay.rule(StanzaRule.PASS);
            int before = scene.sottoMessagesToServer().size();
            scene.startBobAgain();

            for (String body : bodies) {
                assertEquals(body, ((Message) scene.alice.next().stanza()).getBody(), "in the order bob wrote them");
            }
            assertNull(scene.alice.inbox.poll(2, TimeUnit.SECONDS), "each arrives exactly once");
            assertEquals(0, LoadProbe.count(scene.alice, SecurityEvent.UndecryptableStanza.class, e -> true),
                    "alice saw nothing undecryptable (no duplicate: she never had them)");
            List<String> resent = scene.sottoMessagesToServer().subList(before, before + LOST);
            assertEquals(encrypted(swallowed), encrypted(resent), "the same ciphertext went out again, in order");
            await(() -> scene.keptCopies().isEmpty(), "the copies are deleted once the server acknowledged them");
            LoadProbe.exchange(scene.bob, scene.alice, "and the conversation goes on " + scene.suffix);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aResentMessageThePeerAlreadyHasIsADuplicateAndDeliveredOnlyOnce(ServerKind kind, XmppServers servers,
            @TempDir Path dir) throws Exception {
        try (Scene scene = new Scene(servers.get(kind), dir)) {
            // The server gets the messages, but its acknowledgements never reach bob before he dies.
            scene.relay.rule(stanza -> stanza.toClient() && stanza.name().equals("a")
                    && stanza.contains("urn:xmpp:sm:") ? List.of() : List.of(stanza.xml()));
            List<String> bodies = scene.bobSends("reached alice, not acknowledged");
            for (String body : bodies) {
                assertEquals(body, ((Message) scene.alice.next().stanza()).getBody());
            }
            assertEquals(LOST, scene.keptCopies().size(), "no acknowledgement: the copies stay");

            scene.crashBob();
            scene.relay.rule(StanzaRule.PASS);
            scene.startBobAgain();

            for (int i = 0; i < LOST; i++) {
                scene.alice.awaitEvent(SecurityEvent.UndecryptableStanza.class,
                        e -> e.reason() == UndecryptableReason.DUPLICATE);
            }
            await(() -> LoadProbe.count(scene.alice, SecurityEvent.UndecryptableStanza.class,
                    e -> e.reason() == UndecryptableReason.DUPLICATE) == LOST,
                    "each resent copy is reported as a duplicate");
            assertNull(scene.alice.inbox.poll(2, TimeUnit.SECONDS), "nothing delivered twice");
            await(() -> scene.keptCopies().isEmpty(), "the copies are deleted once the server acknowledged them");
            LoadProbe.exchange(scene.bob, scene.alice, "and the conversation goes on " + scene.suffix);
        }
    }

    /**
     * A server without stream management (the relay hides it, as a server that does not offer it would): nothing can
     * confirm delivery, so a copy is deleted as soon as Smack took the stanza (as before copies were kept); a message
     * encrypted while bob is not logged in is kept and goes out after his next login.
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void withoutStreamManagementACopyLivesOnlyUntilSentAndWhatCouldNotBeSentGoesOutAfterLogin(ServerKind kind,
            XmppServers servers, @TempDir Path dir) throws Exception {
        try (Scene scene = new Scene(servers.get(kind), dir, false)) {
            assertFalse(scene.bob.connection.isSmEnabled());
            String body = "without stream management " + scene.suffix;
            LoadProbe.exchange(scene.bob, scene.alice, body);
            assertTrue(scene.keptCopies().isEmpty(), "nothing kept once Smack took it");

            scene.bob.connection.disconnect();
            String offline = "written while logged out " + scene.suffix;
            ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> scene.bob.manager.send(chat(scene.alice, offline)).get(10, TimeUnit.SECONDS));
            SottoSendException reason = (SottoSendException) failed.getCause();
            assertEquals(SendFailure.CONNECTION, reason.reason());
            assertTrue(reason.stillQueued(), "kept, to go out after the next login");
            assertEquals(1, scene.keptCopies().size());
            assertNull(scene.alice.inbox.poll(1, TimeUnit.SECONDS));

            ConnectionFaultsIT.reconnect(scene.bob);
            assertEquals(offline, ((Message) scene.alice.next().stanza()).getBody());
            assertNull(scene.alice.inbox.poll(2, TimeUnit.SECONDS), "exactly once");
            await(() -> scene.keptCopies().isEmpty(), "the copy is deleted once sent");
        }
    }

    private static List<String> encrypted(List<String> stanzas) {
        List<String> elements = new ArrayList<>();
        for (String xml : stanzas) {
            Matcher m = ENCRYPTED.matcher(xml);
            while (m.find()) {
                elements.add(m.group());
            }
        }
        return elements;
    }

    static Message chat(SottoParty to, String body) {
        return StanzaBuilder.buildMessage().to(to.connection.getUser()).ofType(Message.Type.chat).setBody(body)
                .build();
    }

    static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + SottoParty.WAIT_MS * 1_000_000;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.sleep(50);
        }
    }

    /** Alice (direct, in memory) and bob (SQLite store, through the relay), with a session between them. */
    private static final class Scene implements AutoCloseable {
        final XmppServers.Server server;
        final Path dir;
        final String suffix = UUID.randomUUID().toString().substring(0, 8);
        final HostileRelay relay;
        final SottoParty alice;
        SottoParty bob;
        SqliteAccountStore store;

        Scene(XmppServers.Server server, Path dir) throws Exception {
            this(server, dir, true);
        }

        Scene(XmppServers.Server server, Path dir, boolean streamManagement) throws Exception {
            this.server = server;
            this.dir = dir;
            this.relay = new HostileRelay(server);
            if (streamManagement) {
                relay.keepStreamManagement();
            }
            this.alice = new SottoParty().connect(server.connection("alice", "a-" + suffix));
            this.store = SqliteAccountStore.create(dir.resolve("bob.sotto"), Protection.keyFile(dir.resolve("bob.key")));
            this.bob = new SottoParty(SottoAccount.open(store, new SecureRandom(), Clock.systemUTC()))
                    .connect(server.connectionVia("bob", "b-" + suffix, relay.port()));
            assertEquals(streamManagement, bob.connection.isSmEnabled(), "stream management as the server offers it");
            LoadProbe.exchange(bob, alice, "a session first " + suffix);
            await(() -> keptCopies().isEmpty(), "the first message was acknowledged or sent");
        }

        /** Bob sends {@link #LOST} messages; each future completes when Smack took it. */
        List<String> bobSends(String text) throws Exception {
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < LOST; i++) {
                String body = text + " " + i + " " + suffix;
                bob.manager.send(chat(alice, body)).get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);
                bodies.add(body);
            }
            return bodies;
        }

        List<String> sottoMessagesToServer() {
            return relay.seen(s -> s.toServer() && s.name().equals("message") && s.contains(SottoEncrypted.NAMESPACE))
                    .stream().map(RelayedStanza::xml).toList();
        }

        List<QueuedStanza> keptCopies() {
            BareJid peer = alice.connection.getUser().asBareJid();
            // Kept copies are the queue's unacknowledged records (protocol.md 11.4).
            Predicate<QueuedStanza> kept = q -> OutboundRecord.decode(q.stanza())
                    instanceof OutboundRecord.Unacknowledged;
            return store.transact(s -> s.outboundQueue().pending(peer.toString())).stream().filter(kept).toList();
        }

        /** The link dies with everything in flight; bob's process state is gone; his store stays. */
        void crashBob() throws Exception {
            relay.cutAll();
            await(() -> !bob.connection.isConnected(), "bob's connection noticed the cut");
            bob.manager.disable();
            store.close();
        }

        void startBobAgain() throws Exception {
            store = SqliteAccountStore.open(dir.resolve("bob.sotto"), Protection.keyFile(dir.resolve("bob.key")));
            bob = new SottoParty(SottoAccount.open(store, new SecureRandom(), Clock.systemUTC()))
                    .connect(server.connectionVia("bob", "b-" + suffix, relay.port()));
        }

        @Override
        public void close() throws Exception {
            alice.disconnect();
            if (bob != null) {
                bob.disconnect();
            }
            try {
                store.close();
            } finally {
                relay.close();
            }
        }
    }
}
