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
 * The server restarts, or the network is cut, in the middle of a conversation on the real Prosody, while both sides
 * write. Both clients log in again (as an application's reconnection logic would) and keep what could not be sent,
 * as the command-line client does ({@code setKeepFailed(true)}); the session goes on without a new handshake, and
 * every message written, in both directions, is delivered exactly once: nothing lost, not even with a report
 * (issue #23).
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
        try (HostileScene scene = new HostileScene(servers.get(ServerKind.PROSODY), new SottoParty(), new SottoParty(),
                true)) {
            conversation(scene.alice, scene.bob, scene.relay::cutAll, "cut " + scene.suffix);
            scene.assertNothingSecretOnTheWire();
        }
    }

    /**
     * The same cut where the server offers no stream management (the relay hides it). What the client refused
     * because the connection was gone is kept and goes out after the login; what Smack took into a socket that was
     * already dead cannot be known to be lost without acknowledgements, so the receiver reports it missing: never
     * silent, never twice (docs/reliability.md).
     */
    @Test
    void withoutStreamManagementACutLosesOnlyWhatWasInFlightAndReportsIt(XmppServers servers) throws Exception {
        try (HostileScene scene = new HostileScene(servers.get(ServerKind.PROSODY))) {
            Books books = conversationBooks(scene.alice, scene.bob, scene.relay::cutAll, "cut, no SM " + scene.suffix);
            books.aliceToBob().assertSound("alice to bob");
            books.bobToAlice().assertSound("bob to alice");
            scene.assertNothingSecretOnTheWire();
        }
    }

    /** The books of both directions after a {@link #conversationBooks} run. */
    record Books(List<String> writtenToBob, List<String> bobGot, List<String> writtenToAlice,
            List<String> aliceGot, KillAccounting.Direction aliceToBob, KillAccounting.Direction bobToAlice) {
    }

    /** As {@link #conversationBooks}, and every message written, both ways, is delivered exactly once, in order. */
    private static void conversation(SottoParty alice, SottoParty bob, Fault fault, String tag) throws Exception {
        int sessionsBefore = sessions(alice, bob);
        Books books = conversationBooks(alice, bob, fault, tag);
        assertEquals(books.writtenToBob(), books.bobGot(), "alice to bob: everything written, exactly once, in order");
        assertEquals(books.writtenToAlice(), books.aliceGot(), "bob to alice: everything written, exactly once, in order");
        assertEquals(sessionsBefore + 2, sessions(alice, bob), "the session went on: no new handshake");
    }

    private static int sessions(SottoParty alice, SottoParty bob) {
        return LoadProbe.count(bob, SecurityEvent.SessionEstablished.class, e -> true)
                + LoadProbe.count(alice, SecurityEvent.SessionEstablished.class, e -> true);
    }

    /**
     * Messages both ways, then the fault, messages from both while it lasts (their clients do not know yet, or know
     * and keep them, as the command-line client does with {@code setKeepFailed(true)}), both log in again, messages
     * both ways. Returns what each side wrote after the first exchanges and what the other received.
     */
    private static Books conversationBooks(SottoParty alice, SottoParty bob, Fault fault, String tag)
            throws Exception {
        alice.manager.setKeepFailed(true);
        bob.manager.setKeepFailed(true);
        List<String> toBob = new ArrayList<>();
        List<String> toAlice = new ArrayList<>();
        for (int i = 0; i < BEFORE; i++) {
            LoadProbe.exchange(alice, bob, tag + " before " + i);
        }
        LoadProbe.exchange(bob, alice, tag + " before, back");

        fault.happen();
        List<String> failed = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<CompletableFuture<Void>> during = new ArrayList<>();
        for (int i = 0; i < DURING; i++) {
            during.add(write(alice, bob, tag + " during " + i, toBob, failed));
            during.add(write(bob, alice, tag + " during, back " + i, toAlice, failed));
        }
        reconnect(alice);
        reconnect(bob);
        CompletableFuture.allOf(during.toArray(CompletableFuture[]::new)).handle((ok, e) -> null)
                .get(30, TimeUnit.SECONDS);
        for (int i = 0; i < AFTER; i++) {
            write(alice, bob, tag + " after " + i, toBob, failed).get(20, TimeUnit.SECONDS);
        }
        write(bob, alice, tag + " after, back", toAlice, failed).get(20, TimeUnit.SECONDS);

        List<String> bobGot = drain(bob, toBob.size());
        List<String> aliceGot = drain(alice, toAlice.size());
        KillAccounting.Direction aliceToBob = KillAccounting.direction(toBob, List.of(), bobGot,
                ClientKillIT.eventLines(bob));
        KillAccounting.Direction bobToAlice = KillAccounting.direction(toAlice, List.of(), aliceGot,
                ClientKillIT.eventLines(alice));
        System.out.printf("connection fault (%s): alice to bob: %s; bob to alice: %s; sends told to the sender "
                + "(kept, sent after the login): %d%n", tag, aliceToBob, bobToAlice, failed.size());
        assertNull(alice.inbox.poll(500, TimeUnit.MILLISECONDS), "nothing more for alice");
        assertNull(bob.inbox.poll(500, TimeUnit.MILLISECONDS), "nothing more for bob");
        return new Books(toBob, bobGot, toAlice, aliceGot, aliceToBob, bobToAlice);
    }

    /** {@code from} writes {@code body} to {@code to}; a send that fails (kept, goes out later) is noted. */
    private static CompletableFuture<Void> write(SottoParty from, SottoParty to, String body, List<String> written,
            List<String> failed) {
        written.add(body);
        return from.manager.send(chat(to, body)).whenComplete((ok, e) -> {
            if (e != null) {
                failed.add(body);
            }
        });
    }

    /** What {@code party} received: {@code expected} messages at most, waiting up to 30 s in all. */
    private static List<String> drain(SottoParty party, int expected) throws InterruptedException {
        List<String> got = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (got.size() < expected) {
            DecryptedStanza next = party.inbox.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (next == null) {
                break;
            }
            got.add(((Message) next.stanza()).getBody());
        }
        return got;
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
