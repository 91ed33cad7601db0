package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.packet.Message;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue #23: after a restart, what waits in the archive is delivered before what arrives live, once, in order, with
 * nothing reported missing; and a catch-up longer than one pass finishes in the same run.
 * <p>
 * Both tests first make alice's messages reach the archive only: the relay swallows them on their way to bob's
 * connection (the server counts them delivered and archived; a client that died before processing them sees this).
 */
@ExtendWith(XmppServersExtension.class)
class CatchUpOrderIT {
    private static final long QUIET_MS = 1_500;

    /**
     * The server delivers a live message to bob's new resource as soon as it is bound, before Smack reports the
     * login (here: the relay lets alice's live message overtake the bind result). Before the fix it was opened before
     * the catch-up began: the ratchet reported the archived ones missing, and the archive position moved past them,
     * so they were never fetched (the kill test's losses under load). Now it waits until catch-up delivered them.
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aLiveMessageArrivingBeforeTheLoginCompletesWaitsForTheArchivedOnesBeforeIt(ServerKind kind,
            XmppServers servers) throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(kind))) {
            send(scene, "hello");
            assertEquals("hello " + scene.suffix, body(scene.bob.next()));
            swallowToBob(scene, List.of("m1", "m2", "m3"));

            String resource = scene.bobJid().getResourceOrThrow().toString();
            AtomicReference<String> heldBind = new AtomicReference<>();
            CountDownLatch bindHeld = new CountDownLatch(1);
            scene.relay.rule(stanza -> {
                String xml = stanza.xml();
                if (stanza.toClient() && heldBind.get() == null && bindHeld.getCount() > 0
                        && xml.contains("urn:ietf:params:xml:ns:xmpp-bind") && xml.contains("/" + resource + "<")) {
                    heldBind.set(xml);
                    bindHeld.countDown();
                    return List.of();
                }
                if (stanza.toClient() && heldBind.get() != null && HostileScene.carries(stanza,
                        SottoEncrypted.Kind.RATCHET)) {
                    String bind = heldBind.getAndSet(null);
                    return List.of(xml, bind); // the live message first, then the end of the login
                }
                return List.of(xml);
            });
            CompletableFuture<SottoParty> restarted = CompletableFuture.supplyAsync(() -> restart(scene));
            assertTrue(bindHeld.await(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS), "bob's new login bound");
            send(scene, "m4");
            SottoParty bob = restarted.get(SottoParty.WAIT_MS, TimeUnit.MILLISECONDS);

            assertEquals(List.of("m1", "m2", "m3", "m4"), bodies(scene, bob, 4));
            assertNull(bob.inbox.poll(QUIET_MS, TimeUnit.MILLISECONDS), "nothing is delivered twice");
            assertNoLossReports(bob);
        }
    }

    /**
     * With the per-pass cap lowered to 5 (the documented test hook), 23 archived messages take five passes; all
     * arrive in this run, in order, then a live one. Before, a capped catch-up resumed only at the next login.
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aCatchUpLongerThanOnePassFinishesInTheSameRun(ServerKind kind, XmppServers servers) throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(kind))) {
            send(scene, "hello");
            assertEquals("hello " + scene.suffix, body(scene.bob.next()));
            List<String> texts = new ArrayList<>();
            for (int n = 1; n <= 23; n++) {
                texts.add("m" + n);
            }
            swallowToBob(scene, texts);
            scene.relay.rule(stanza -> List.of(stanza.xml()));

            String before = System.getProperty("sotto.archive.passCap");
            System.setProperty("sotto.archive.passCap", "5");
            SottoParty bob;
            try {
                bob = restart(scene);
            } finally {
                if (before == null) {
                    System.clearProperty("sotto.archive.passCap");
                } else {
                    System.setProperty("sotto.archive.passCap", before);
                }
            }
            assertEquals(texts, bodies(scene, bob, texts.size()));
            send(scene, "live");
            assertEquals("live " + scene.suffix, body(bob.next()));
            assertNull(bob.inbox.poll(QUIET_MS, TimeUnit.MILLISECONDS), "nothing is delivered twice");
            assertNoLossReports(bob);
        }
    }

    /** Alice sends {@code texts}; the relay swallows each on its way to bob (archived, never seen by his client). */
    private static void swallowToBob(HostileScene scene, List<String> texts) throws Exception {
        List<RelayedStanza> swallowed = new CopyOnWriteArrayList<>();
        String bobFull = scene.bobJid().toString();
        scene.relay.rule(stanza -> {
            if (!stanza.toServer() && bobFull.equals(stanza.link().jid())
                    && HostileScene.carries(stanza, SottoEncrypted.Kind.RATCHET)) {
                swallowed.add(stanza);
                return List.of();
            }
            return List.of(stanza.xml());
        });
        for (String text : texts) {
            send(scene, text);
        }
        HostileScene.awaitSize(swallowed, texts.size());
    }

    private static void send(HostileScene scene, String text) throws Exception {
        scene.alice.manager.send(scene.secretChat(scene.bobJid(), text + " " + scene.suffix)).get(20, TimeUnit.SECONDS);
    }

    /** Bob's process ends without a word (its connection drops) and starts again on the same store and resource. */
    private static SottoParty restart(HostileScene scene) {
        try {
            scene.bob.manager.disable();
            scene.bob.connection.instantShutdown();
            return new SottoParty(scene.bob.account).connect(scene.server.connectionVia("bob",
                    scene.bobJid().getResourceOrThrow().toString(), scene.relay.port()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next {@code count} texts bob gets, without the run suffix. */
    private static List<String> bodies(HostileScene scene, SottoParty bob, int count) throws InterruptedException {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            got.add(body(bob.next()).replace(" " + scene.suffix, ""));
        }
        return got;
    }

    /** Nothing reported missing, late, undecryptable (not even a duplicate), and no session started again. */
    private static void assertNoLossReports(SottoParty party) {
        List<SecurityEvent> events;
        synchronized (party.events) {
            events = List.copyOf(party.events);
        }
        assertEquals(List.of(), events.stream().filter(e -> e instanceof SecurityEvent.MessagesMissing
                || e instanceof SecurityEvent.ArrivedLate
                || e instanceof SecurityEvent.UndecryptableStanza || e instanceof SecurityEvent.SessionHealed
                || e instanceof SecurityEvent.SessionEstablished).toList());
    }

    private static String body(DecryptedStanza stanza) {
        return ((Message) stanza.stanza()).getBody();
    }
}
