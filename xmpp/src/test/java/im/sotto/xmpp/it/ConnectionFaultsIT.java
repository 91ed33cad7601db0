package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server restarts, or the network is cut, in the middle of a conversation on the real Prosody. Both clients log
 * in again (as an application's reconnection logic would); the session goes on without a new handshake, nothing sent
 * is delivered twice, and every message is delivered or, if the fault caught it on the way, reported: to the sender
 * when it could not be sent, to the receiver when the ratchet proves it missing.
 */
@ExtendWith(XmppServersExtension.class)
class ConnectionFaultsIT {
    static final int BEFORE = 5;
    static final int DURING = 3;
    static final int AFTER = 5;

    @Test
    void aServerRestartInTheMiddleOfAConversationLosesNothingAndNeedsNoNewSession(XmppServers servers)
            throws Exception {
        XmppServers.Server server = servers.get(ServerKind.PROSODY);
        String s = UUID.randomUUID().toString().substring(0, 8);
        SottoParty alice = new SottoParty().connect(server.connection("alice", "ra-" + s));
        SottoParty bob = new SottoParty().connect(server.connection("bob", "rb-" + s));
        try {
            conversation(alice, bob, () -> restartProsody(server), "restart " + s);
        } finally {
            alice.disconnect();
            bob.disconnect();
        }
    }

    @Test
    void aNetworkCutInTheMiddleOfAConversationLosesNothingAndNeedsNoNewSession(XmppServers servers) throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(ServerKind.PROSODY))) {
            conversation(scene.alice, scene.bob, scene.relay::cutAll, "cut " + scene.suffix);
            scene.assertNothingSecretOnTheWire();
        }
    }

    /**
     * Messages both ways, then the fault, messages from alice while it lasts (her client does not know yet, or knows
     * and reports), both log in again, messages both ways. Checks the books of alice's messages to bob.
     */
    private static void conversation(SottoParty alice, SottoParty bob, Fault fault, String tag) throws Exception {
        List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> failed = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < BEFORE; i++) {
            LoadProbe.exchange(alice, bob, tag + " before " + i);
            sent.add(tag + " before " + i);
        }
        LoadProbe.exchange(bob, alice, tag + " before, back");
        int sessionsBefore = LoadProbe.count(bob, SecurityEvent.SessionEstablished.class, e -> true)
                + LoadProbe.count(alice, SecurityEvent.SessionEstablished.class, e -> true);

        fault.happen();
        List<CompletableFuture<Void>> during = new ArrayList<>();
        for (int i = 0; i < DURING; i++) {
            String body = tag + " during " + i;
            during.add(alice.manager.send(chat(bob, body)).whenComplete((ok, e) -> (e == null ? sent : failed)
                    .add(body)));
        }
        reconnect(alice);
        reconnect(bob);
        CompletableFuture.allOf(during.toArray(CompletableFuture[]::new)).handle((ok, e) -> null)
                .get(30, TimeUnit.SECONDS);
        for (int i = 0; i < AFTER; i++) {
            String body = tag + " after " + i;
            alice.manager.send(chat(bob, body)).get(20, TimeUnit.SECONDS);
            sent.add(body);
        }
        LoadProbe.exchange(bob, alice, tag + " after, back");

        List<String> delivered = new ArrayList<>(sent.subList(0, BEFORE));   // each checked by exchange
        DecryptedStanza got;
        while ((got = bob.inbox.poll(1500, TimeUnit.MILLISECONDS)) != null) {
            delivered.add(((Message) got.stanza()).getBody());
        }
        KillAccounting.Direction books = KillAccounting.direction(sent, failed, delivered,
                ClientKillIT.eventLines(bob));
        System.out.printf("connection fault (%s): alice to bob: %s, failed at alice %d%n", tag, books, failed.size());
        books.assertSound("alice to bob");
        assertTrue(delivered.containsAll(sent.subList(sent.size() - AFTER, sent.size())),
                "every message after the fault arrives: " + delivered);
        assertEquals(sessionsBefore, LoadProbe.count(bob, SecurityEvent.SessionEstablished.class, e -> true)
                + LoadProbe.count(alice, SecurityEvent.SessionEstablished.class, e -> true),
                "the session went on: no new handshake");
        assertNull(alice.inbox.poll(500, TimeUnit.MILLISECONDS), "nothing more for alice");
    }

    @FunctionalInterface
    private interface Fault {
        void happen() throws Exception;
    }

    private static Message chat(SottoParty to, String body) {
        return StanzaBuilder.buildMessage().to(to.connection.getUser()).ofType(Message.Type.chat).setBody(body)
                .build();
    }

    /** Logs in again on the same connection (same resource), once the old stream is gone. */
    static void reconnect(SottoParty party) throws Exception {
        long deadline = System.nanoTime() + SottoParty.WAIT_MS * 1_000_000;
        while (party.connection.isConnected() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                party.connection.connect().login();
                return;
            } catch (Exception e) {
                // A stream opened while the old one was still being torn down is refused; try again shortly.
                party.connection.disconnect();
                if (attempt == 5) {
                    throw e;
                }
                Thread.sleep(300);
            }
        }
    }

    /** Stops Prosody with SIGTERM and starts it again on its port and data, through the servers script. */
    static void restartProsody(XmppServers.Server server) throws Exception {
        Path script = Paths.get(System.getProperty("sotto.xmpp.servers.script", "../scripts/xmpp-servers.sh"));
        Path dir = Paths.get(server.log).getParent().getParent();
        Process process = new ProcessBuilder("bash", script.toString(), "restart", dir.toString(), "prosody")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "restart timed out");
        assertEquals(0, process.exitValue(), "restart failed: " + output);
    }
}
