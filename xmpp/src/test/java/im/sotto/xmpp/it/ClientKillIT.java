package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import im.sotto.harness.RecordingRelay;
import im.sotto.protocol.store.LogEntry;
import im.sotto.store.Protection;
import im.sotto.store.SqliteAccountStore;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Bob's client JVM ({@link KillDriver}, SQLite store) is killed with SIGKILL at random points while it sends to and
 * receives from alice through Prosody: during start-up (store opening, login, publishing) or in the conversation.
 * Alice keeps sending the whole time (to bob's resource: Prosody keeps what arrives while he is down). After the
 * kills a last run stops cleanly. Over the whole run: nothing is delivered twice; every message bob's user wrote
 * was taken by Sotto (none dropped from the outbox); bob's store opens and his last run gets alice's end marker; and
 * the relay in front of bob saw no plaintext; nothing is lost without a report in either direction (a message not
 * delivered was reported missing or undecryptable to its receiver, or failed at its sender); and the conversation
 * went on. It prints the books of both directions (sent, delivered, reported missing, lost silently).
 */
@ExtendWith(XmppServersExtension.class)
class ClientKillIT {
    /** Kills per run; {@code -Dsotto.kills=N} for a longer run. */
    static final int KILLS = Integer.getInteger("sotto.kills", 30);
    /** One kill in this many lands during start-up (JVM, store, login, publishing) rather than in the conversation. */
    static final int STARTUP_KILL_ONE_IN = 4;
    static final int ALICE_SEND_EVERY_MS = 40;
    /** The server, {@code -Dsotto.kills.server=ejabberd} for ejabberd (Prosody by default, as in CI). */
    static final ServerKind SERVER = ServerKind.valueOf(System.getProperty("sotto.kills.server", "prosody")
            .toUpperCase(java.util.Locale.ROOT));
    /**
     * The server as run, for the printout: Prosody without its archive ({@code SOTTO_PROSODY_NO_MAM=1}) or stream
     * management ({@code SOTTO_PROSODY_NO_SMACKS=1}) falls back to the ratchet's loss reports (issue #23 item 4).
     */
    static final String SERVER_AS_RUN = SERVER + (SERVER != ServerKind.PROSODY ? ""
            : ("1".equals(System.getenv("SOTTO_PROSODY_NO_MAM")) ? ", no MAM" : "")
            + ("1".equals(System.getenv("SOTTO_PROSODY_NO_SMACKS")) ? ", no stream management" : ""));

    @Test
    void killingTheClientAtRandomPointsNeverDeliversTwiceNeverLeaksAndLosesNothingFromTheOutbox(XmppServers servers,
            @TempDir Path dir) throws Exception {
        XmppServers.Server server = servers.get(SERVER);
        if (KillDebug.ON) {
            KillDebug.traceAliceCatchUp();
        }
        String s = UUID.randomUUID().toString().substring(0, 8);
        Random random = new Random();
        try (RecordingRelay relay = new RecordingRelay(server.host, server.port)) {
            SottoParty alice = new SottoParty().connect(server.connection("alice", "ka-" + s));
            Jid bob = JidCreate.from("bob@" + server.domain() + "/kb-" + s);
            String aToB = "a2b-" + s + "-";
            String end = "end-" + s;
            Path props = dir.resolve("bob.properties");
            writeProperties(props, dir, server, relay.port(), bob, alice.connection.getUser(), "b2a-" + s + "-", end);

            List<String> aliceSent = new CopyOnWriteArrayList<>();
            KillAccounting.SenderLedger ledger = new KillAccounting.SenderLedger();
            alice.manager.onSealed(ledger::sealed);
            alice.manager.addListener(new im.sotto.xmpp.SottoListener() {
                @Override
                public void onStanza(im.sotto.xmpp.DecryptedStanza stanza) {
                    if (stanza.stanza() instanceof Message m) {
                        KillDebug.alice("GOT " + m.getStanzaId() + " " + m.getBody());
                    }
                }

                @Override
                public void onEvent(im.sotto.xmpp.SecurityEvent event) {
                    ledger.event(event);
                    KillDebug.alice("EVENT " + event);
                }
            });
            AliceSender sender = new AliceSender(alice, bob, aToB, aliceSent);
            try {
                runKills(dir, server, s, random, relay, alice, bob, aToB, end, props, aliceSent, sender, ledger);
            } finally {
                // A failed run must not leave alice flooding the server or logged in (it breaks the integration tests
                // after it: her device republishes itself, and her roster refuses their subscription requests).
                sender.stop();
                alice.disconnect();
                if (Boolean.getBoolean("sotto.kills.debug")) {
                    // Bob's events also when the run failed before its books were printed.
                    Files.copy(dir.resolve("events.txt"), Path.of("target", "client-kill-events.txt"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    Files.write(Path.of("target", "client-kill-alice-events.txt"), eventLines(alice));
                    KillDebug.writeAliceTimeline();
                }
            }
        }
    }

    private static void runKills(Path dir, XmppServers.Server server, String s, Random random,
            RecordingRelay relay, SottoParty alice, Jid bob, String aToB, String end, Path props,
            List<String> aliceSent, AliceSender sender, KillAccounting.SenderLedger ledger) throws Exception {
        long started = System.nanoTime();
        int startupKills = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            Child child = Child.start(props, dir, false);
            if (kill == 0) {
                assertTrue(child.awaitReady(), "bob's first run starts");
                sender.start();
            }
            if (kill > 0 && random.nextInt(STARTUP_KILL_ONE_IN) == 0) {
                startupKills++;
                Thread.sleep(random.nextInt(1500));
            } else {
                if (kill > 0) {
                    child.awaitReady();
                }
                Thread.sleep(random.nextInt(600));
            }
            child.kill();
        }
        Child last = Child.start(props, dir, true);
        assertTrue(last.awaitReady(), "bob's last run starts");
        long unsettled = sender.stopAndJoin();
        alice.manager.send(chat(bob, end)).get(unsettled == 0 ? 20 : 120, TimeUnit.SECONDS);
        assertEquals(0, last.waitFor(KillDriver.END_WAIT_SECONDS + 30), "bob's last run ends cleanly after alice's "
                + "end marker (" + KillDriver.EXIT_NO_END_MARKER + ": it never came)");
        double seconds = (System.nanoTime() - started) / 1e9;
        long lastEnded = System.currentTimeMillis();
        Thread.sleep(1500);

        SqliteAccountStore bobStore = SqliteAccountStore.open(dir.resolve("bob.sotto"),
                Protection.keyFile(dir.resolve("bob.key")));
        try {
            // Messages alice's user was told were not acknowledged (a replaced session): reported, not silent.
            Set<String> notAcknowledged = new HashSet<>();
            ledger.notAcknowledged().stream().map(sender.bodyById::get).filter(java.util.Objects::nonNull)
                    .forEach(notAcknowledged::add);
            KillAccounting.Direction toBob = KillAccounting.direction(aliceSent, sender.failed.stream()
                            .map(f -> f.substring(0, f.indexOf(' '))).toList(), notAcknowledged,
                    KillAccounting.afterEndMarker(KillAccounting.shownFromLog(KillDriver.receivedInLog(bobStore)), end)
                            .stream().filter(b -> b.startsWith(aToB)).toList(),
                    Files.readAllLines(dir.resolve("events.txt"), StandardCharsets.UTF_8));
            String bobPrefix = "b2a-" + s + "-";
            List<String> bobWrote = new ArrayList<>();
            for (String n : Files.readAllLines(dir.resolve("intents.txt"), StandardCharsets.US_ASCII)) {
                bobWrote.add(bobPrefix + n.trim() + ".");
            }
            Set<String> encryptedByBob = new HashSet<>(KillDriver.bodiesInLog(bobStore, LogEntry.Direction.SENT));
            List<String> notTaken = bobWrote.stream().filter(b -> !encryptedByBob.contains(b)).toList();
            List<im.sotto.xmpp.DecryptedStanza> aliceGot = new ArrayList<>();
            alice.inbox.drainTo(aliceGot);
            // Where the books used to be read (1.5 s after bob's last run ended): what alice had not been given yet
            // was counted lost silently, though her worker was only busy (an archive pass) and got it later.
            Set<String> atOldReading = new HashSet<>(aliceGot.stream().map(d -> ((Message) d.stanza()).getBody())
                    .toList());
            awaitBobsEnd(alice, bobEnd(bobPrefix), aliceGot);
            KillDebug.alice("BOOKS-READ (bob's last run ended " + lastEnded + ")");
            List<String> aliceGotBodies = KillAccounting.afterEndMarker(aliceGot.stream()
                    .map(d -> ((Message) d.stanza()).getBody()).toList(), bobEnd(bobPrefix));
            long inFlightAtOldReading = bobWrote.stream().filter(b -> aliceGotBodies.contains(b)
                    && !atOldReading.contains(b)).count();
            KillAccounting.Direction toAlice = KillAccounting.direction(bobWrote, aliceGotBodies, eventLines(alice));
            System.out.printf("client kills (%s): %d kills (%d during start-up) in %.0f s; alice to bob: %s, sending "
                    + "failed and reported to alice %d, not settled at alice %d; bob to alice: %s (of the delivered, "
                    + "given to alice only after the 1.5 s the books used to wait: %d); load average %s%n",
                    SERVER_AS_RUN, KILLS, startupKills, seconds, toBob, sender.failed.size(), unsettled, toAlice,
                    inFlightAtOldReading, loadAverage());
            if (Boolean.getBoolean("sotto.kills.debug")) {
                Files.copy(dir.resolve("events.txt"), Path.of("target", "client-kill-events.txt"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.readAllLines(dir.resolve("events.txt")).stream()
                        .limit(60).forEach(System.out::println);
                System.out.println("bob's log (a2b, in order): " + KillDriver.bodiesInLog(bobStore,
                        LogEntry.Direction.RECEIVED).stream().map(b -> b.substring(b.lastIndexOf('-') + 1))
                        .collect(java.util.stream.Collectors.joining(" ")));
                System.out.println("alice sent: " + aliceSent.size());
                java.util.Set<String> got = new HashSet<>(KillDriver.bodiesInLog(bobStore, LogEntry.Direction.RECEIVED));
                System.out.println("not delivered: " + aliceSent.stream().filter(b -> !got.contains(b))
                        .map(b -> b.substring(b.lastIndexOf('-') + 1)).collect(java.util.stream.Collectors.joining(" ")));
                eventLines(alice).stream().limit(40).forEach(l -> System.out.println("alice: " + l));
                KillDebug.bobToAlice(bobStore, bobWrote, aliceGot, alice);
            }
            assertEquals(List.of(), notTaken, "every message bob's user wrote was encrypted by Sotto");
            long replaced = KillAccounting.sessionsReplaced(eventLines(alice));
            System.out.printf("client kills: sessions replaced by a new handshake: %d%n", replaced);
            // A copy bob sent again after a restart that alice already had: dropped by her ratchet, reported.
            System.out.printf("client kills: duplicates reported to alice (bob's resent copies she had): %d, "
                    + "to bob: %d%n", eventLines(alice).stream().filter(l -> l.contains("reason=DUPLICATE"))
                    .count(), Files.readAllLines(dir.resolve("events.txt")).stream()
                    .filter(l -> l.contains("reason=DUPLICATE")).count());
            assertEquals(0, unsettled, "alice's messages neither sent nor failed 60 s after she stopped");
            toBob.assertNoDuplicates("alice to bob");
            toAlice.assertNoDuplicates("bob to alice");
            toBob.assertSound("alice to bob");
            toAlice.assertSound("bob to alice");
            assertTrue(toBob.delivered() > KILLS && toAlice.delivered() > KILLS, "a conversation went on");
            List<String> leaked = new ArrayList<>();
            String wire = relay.recorded();
            for (String body : aliceSent) {
                if (wire.contains(body)) {
                    leaked.add(body);
                }
            }
            bobWrote.stream().filter(wire::contains).forEach(leaked::add);
            assertEquals(List.of(), leaked, "plaintext on bob's link to the server");
        } finally {
            bobStore.close();
            alice.disconnect();
        }
    }

    private static void writeProperties(Path file, Path dir, XmppServers.Server server, int port, Jid bob, Jid alice,
            String prefix, String end) throws IOException {
        Properties p = new Properties();
        p.setProperty("dir", dir.toString());
        p.setProperty("domain", server.domain());
        p.setProperty("port", Integer.toString(port));
        p.setProperty("password", server.password("bob"));
        p.setProperty("resource", bob.getResourceOrThrow().toString());
        p.setProperty("alice", alice.toString());
        p.setProperty("prefix", prefix);
        p.setProperty("end", end);
        p.setProperty("bobEnd", bobEnd(prefix));
        p.setProperty("sendEveryMs", "60");
        p.setProperty("finalCount", "5");
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "bob's client for ClientKillIT");
        }
        Files.createFile(dir.resolve("intents.txt"));
        Files.createFile(dir.resolve("events.txt"));
    }

    /** Bob's end marker, sent by his last run after everything else; {@code prefix} is his messages' prefix. */
    static String bobEnd(String prefix) {
        return "bend-" + prefix;
    }

    /**
     * Moves what alice was given into {@code got} until bob's end marker is among it, waiting up to
     * {@link KillDriver#END_WAIT_SECONDS}: everything bob sent came before it on his stream, so alice's worker (busy
     * with an archive pass for tens of seconds under load) has then processed all of it that will ever arrive.
     */
    static void awaitBobsEnd(SottoParty alice, String bobEnd, List<im.sotto.xmpp.DecryptedStanza> got)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + KillDriver.END_WAIT_SECONDS * 1000L;
        while (got.stream().noneMatch(d -> d.stanza() instanceof Message m && bobEnd.equals(m.getBody()))
                && System.currentTimeMillis() < deadline) {
            im.sotto.xmpp.DecryptedStanza next = alice.inbox.poll(200, TimeUnit.MILLISECONDS);
            if (next != null) {
                got.add(next);
            }
        }
    }

    /** The machine's 1-, 5- and 15-minute load averages (Linux), for the printout: losses grew with load. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static List<String> eventLines(SottoParty party) {
        synchronized (party.events) {
            return party.events.stream().map(Object::toString).toList();
        }
    }

    static Message chat(Jid to, String body) {
        return StanzaBuilder.buildMessage().to(to).ofType(Message.Type.chat).setBody(body).build();
    }

    /**
     * Alice's side: a message to bob's resource every {@link #ALICE_SEND_EVERY_MS}, without waiting (a session may be
     * in the making while bob is down); each is recorded as sent when Sotto sent it, or as failed with the reason
     * Sotto gave the user.
     */
    private static final class AliceSender {
        private final Thread thread;
        private final List<CompletableFuture<Void>> all = new CopyOnWriteArrayList<>();
        final List<String> failed = new CopyOnWriteArrayList<>();
        /** Each message's body by its stanza id, to read alice's loss reports ({@link KillAccounting.SenderLedger}). */
        final java.util.Map<String, String> bodyById = new java.util.concurrent.ConcurrentHashMap<>();
        private volatile boolean running = true;

        AliceSender(SottoParty alice, Jid bob, String prefix, List<String> sent) {
            this.thread = new Thread(() -> {
                for (int n = 0; running; n++) {
                    String body = prefix + n + ".";
                    Message message = chat(bob, body);
                    message.setStanzaId();
                    bodyById.put(message.getStanzaId(), body);
                    all.add(alice.manager.send(message).whenComplete((ok, error) -> {
                        if (error == null) {
                            sent.add(body);
                        } else {
                            failed.add(body + " " + error);
                        }
                    }));
                    try {
                        Thread.sleep(ALICE_SEND_EVERY_MS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "alice-sender");
        }

        void start() {
            thread.start();
        }

        /** Stops sending at once, waiting for nothing; harmless after {@link #stopAndJoin}. */
        void stop() {
            running = false;
            thread.interrupt();
        }

        /**
         * Stops sending and waits up to 60 s until Sotto settled every message (sent, or failed and reported);
         * returns how many it had not settled by then (neither sent nor failed: the test fails on them after printing
         * its books, which do not count them as sent).
         */
        long stopAndJoin() throws Exception {
            running = false;
            thread.join(30_000);
            try {
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).handle((ok, error) -> null)
                        .get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // counted below
            }
            return all.stream().filter(f -> !f.isDone()).count();
        }
    }

    /** One run of bob's client JVM. */
    private static final class Child {
        private final Process process;
        private final BufferedReader out;

        private Child(Process process) {
            this.process = process;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        static Child start(Path props, Path dir, boolean last) throws IOException {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:auto",
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                    "-Dsotto.kills.debug=" + Boolean.getBoolean("sotto.kills.debug"), "-cp",
                    System.getProperty("java.class.path"), KillDriver.class.getName(), props.toString()));
            if (last) {
                command.add("final");
            }
            return new Child(new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo((Boolean.getBoolean("sotto.kills.debug")
                            ? Path.of("target", "client-kill-bob.stderr") : dir.resolve("bob.stderr")).toFile()))
                    .start());
        }

        boolean awaitReady() throws IOException {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.equals(KillDriver.READY)) {
                    return true;
                }
            }
            return false;
        }

        /** SIGKILL: no shutdown hooks, no finally blocks. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        int waitFor(long seconds) throws InterruptedException {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("bob's client did not end within " + seconds + " s");
            }
            return process.exitValue();
        }
    }
}
