package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Soak: device pairs talk through Prosody behind a {@link HostileRelay} that drops and duplicates ratchet messages at
 * random and twice cuts every connection (the clients log in again). Every message must be delivered exactly once
 * or reported: missing by the receiver's ratchet, or failed to the sender. By default 5 pairs x 40 messages (the CI
 * run); {@code -Dsotto.soak=full} runs 50 pairs x 200 (docs/reliability.md has the numbers of the last full run).
 */
@ExtendWith(XmppServersExtension.class)
class SoakIT {
    static final boolean FULL = "full".equals(System.getProperty("sotto.soak"));
    static final int PAIRS = FULL ? 50 : 5;
    static final int MESSAGES = FULL ? 200 : 40;
    /** Per ratchet stanza on its way to a client: dropped with this chance, else duplicated with the same chance. */
    static final double DROP = 0.03;
    /** prosodyctl and the running Prosody share one SQLite database; a registration may find it locked. */
    static final int REGISTER_ATTEMPTS = 20;
    /** Registrations run side by side (each prosodyctl is a Lua process starting in about a second). */
    static final int REGISTER_AT_ONCE = 4;
    static final double DUPLICATE = 0.03;
    /** Which eligible stanzas (counted from 1) are dropped and duplicated whatever the random rolls say. */
    static final int FORCED_DROP = 5;
    static final int FORCED_DUPLICATE = 9;

    @Test
    void everyMessageIsDeliveredOnceOrReportedUnderDropsDuplicatesAndReconnects(XmppServers servers) throws Exception {
        XmppServers.Server server = servers.get(ServerKind.PROSODY);
        String run = UUID.randomUUID().toString().substring(0, 6);
        List<String> users = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            users.add("soak" + run + "a" + i);
            users.add("soak" + run + "b" + i);
        }
        String password = UUID.randomUUID().toString();
        register(server, users, password);
        Random random = new Random();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (HostileRelay relay = new HostileRelay(server)) {
            List<SottoParty> a = new ArrayList<>();
            List<SottoParty> b = new ArrayList<>();
            List<Future<SottoParty>> connecting = new ArrayList<>();
            for (String user : users) {
                connecting.add(pool.submit(() -> new SottoParty().connect(server.connectionAs(user, password, "s",
                        relay.port()))));
            }
            for (int i = 0; i < PAIRS; i++) {
                a.add(connecting.get(2 * i).get(60, TimeUnit.SECONDS));
                b.add(connecting.get(2 * i + 1).get(60, TimeUnit.SECONDS));
                // Each pair talks, so each is in the other's roster (Sotto reveals a device to contacts only).
                TestContacts.add(a.get(i).connection, b.get(i).connection.getUser().asBareJid());
                TestContacts.add(b.get(i).connection, a.get(i).connection.getUser().asBareJid());
            }
            long started = System.nanoTime();
            for (int i = 0; i < PAIRS; i++) {
                LoadProbe.exchange(a.get(i), b.get(i), "hello " + i);
                LoadProbe.exchange(b.get(i), a.get(i), "hello back " + i);
            }
            List<List<String>> sent = new ArrayList<>();
            List<List<String>> failed = new ArrayList<>();
            for (int i = 0; i < PAIRS; i++) {
                sent.add(new CopyOnWriteArrayList<>());
                failed.add(new CopyOnWriteArrayList<>());
            }
            java.util.concurrent.atomic.AtomicInteger dropped = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger duplicated = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger eligible = new java.util.concurrent.atomic.AtomicInteger();
            relay.rule(stanza -> {
                if (!stanza.toClient() || !HostileScene.carries(stanza, SottoEncrypted.Kind.RATCHET)) {
                    return List.of(stanza.xml());
                }
                // The first eligible stanzas get one drop and one duplicate for certain, the rest at random: at these
                // rates a short run saw 0 to 2 duplicates (CI, 2026-12-07: 2, 1, 0), and 0 failed the check below.
                int seen = eligible.incrementAndGet();
                double roll = seen == FORCED_DROP ? 0 : seen == FORCED_DUPLICATE ? DROP : random.nextDouble();
                if (roll < DROP) {
                    dropped.incrementAndGet();
                    return List.of();
                }
                if (roll < DROP + DUPLICATE) {
                    duplicated.incrementAndGet();
                    return List.of(stanza.xml(), stanza.xml());
                }
                return List.of(stanza.xml());
            });
            List<CompletableFuture<Void>> all = new ArrayList<>();
            int reconnects = 0;
            for (int r = 0; r < MESSAGES; r++) {
                if (r == MESSAGES / 3 || r == 2 * MESSAGES / 3) {
                    relay.cutAll();
                    reconnects++;
                    List<Future<?>> back = new ArrayList<>();
                    for (SottoParty party : concat(a, b)) {
                        back.add(pool.submit(() -> {
                            ConnectionFaultsIT.reconnect(party);
                            return null;
                        }));
                    }
                    for (Future<?> f : back) {
                        f.get(120, TimeUnit.SECONDS);
                    }
                }
                for (int i = 0; i < PAIRS; i++) {
                    String body = "soak " + run + " pair " + i + " message " + r + ".";
                    int pair = i;
                    all.add(a.get(i).manager.send(chat(b.get(i), body)).whenComplete((ok, e) ->
                            (e == null ? sent.get(pair) : failed.get(pair)).add(body)));
                    if (r % 10 == 9) {
                        b.get(i).manager.send(chat(a.get(i), "ack " + r));
                    }
                }
                Thread.sleep(FULL ? 20 : 10);
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).handle((ok, e) -> null)
                    .get(120, TimeUnit.SECONDS);
            relay.rule(StanzaRule.PASS);

            KillAccounting.Direction total = null;
            long sentTotal = 0;
            long deliveredTotal = 0;
            long reported = 0;
            long silently = 0;
            long suppressed = 0;
            long failedTotal = 0;
            for (int i = 0; i < PAIRS; i++) {
                String end = "soak " + run + " pair " + i + " end";
                a.get(i).manager.send(chat(b.get(i), end)).get(30, TimeUnit.SECONDS);
                List<String> delivered = drainUntil(b.get(i), end);
                KillAccounting.Direction books = KillAccounting.direction(sent.get(i), failed.get(i), delivered,
                        ClientKillIT.eventLines(b.get(i)));
                books.assertSound("pair " + i);
                sentTotal += books.sent();
                deliveredTotal += books.delivered();
                reported += books.reportedMissing();
                silently += books.lostSilently();
                failedTotal += failed.get(i).size();
                suppressed += LoadProbe.count(b.get(i), im.sotto.xmpp.SecurityEvent.UndecryptableStanza.class,
                        e -> e.reason() == im.sotto.xmpp.UndecryptableReason.DUPLICATE);
                total = books;
            }
            System.out.printf("soak: %d pairs x %d messages in %.0f s, %d reconnects of all %d clients: sent %d, "
                    + "delivered once %d, duplicates suppressed %d, reported missing %d (of which failed at the sender "
                    + "%d), lost silently %d; the relay dropped %d and duplicated %d%n", PAIRS, MESSAGES,
                    (System.nanoTime() - started) / 1e9, reconnects, 2 * PAIRS, sentTotal, deliveredTotal, suppressed,
                    reported, failedTotal, silently, dropped.get(), duplicated.get());
            assertEquals(0, silently);
            // The relay really dropped and duplicated (what Sotto made of it is in the books above: a dropped stanza
            // may come back through the archive after a reconnect, a duplicate during catch-up is not reported).
            assertTrue(dropped.get() > 0 && duplicated.get() > 0, "the relay's faults took effect: dropped "
                    + dropped + ", duplicated " + duplicated);
            for (SottoParty party : concat(a, b)) {
                party.disconnect();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<SottoParty> concat(List<SottoParty> a, List<SottoParty> b) {
        List<SottoParty> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** Everything {@code party} received from now until {@code end} (included); fails if {@code end} never comes. */
    private static List<String> drainUntil(SottoParty party, String end) throws InterruptedException {
        List<String> bodies = new ArrayList<>();
        while (true) {
            DecryptedStanza got = party.next();
            String body = ((Message) got.stanza()).getBody();
            if (body.equals(end)) {
                return bodies;
            }
            bodies.add(body);
        }
    }

    private static Message chat(SottoParty to, String body) {
        return StanzaBuilder.buildMessage().to(to.connection.getUser()).ofType(Message.Type.chat).setBody(body)
                .build();
    }

    /**
     * Registers the soak's accounts with prosodyctl on the test's Prosody (its SQLite database, while it runs), a few
     * at a time; one that finds the database locked by the running server is tried again.
     */
    private static void register(XmppServers.Server server, List<String> users, String password) throws Exception {
        Path config = Paths.get(server.log).getParent().resolve("prosody.cfg.lua");
        List<String> left = new ArrayList<>(users);
        for (int attempt = 1; !left.isEmpty(); attempt++) {
            List<String> failed = new ArrayList<>();
            for (int from = 0; from < left.size(); from += REGISTER_AT_ONCE) {
                List<String> batch = left.subList(from, Math.min(left.size(), from + REGISTER_AT_ONCE));
                List<Process> running = new ArrayList<>();
                for (String user : batch) {
                    running.add(new ProcessBuilder("prosodyctl", "--config", config.toString(), "register", user,
                            server.domain(), password).redirectErrorStream(true).start());
                }
                for (int i = 0; i < batch.size(); i++) {
                    Process p = running.get(i);
                    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "prosodyctl did not end");
                    if (p.exitValue() != 0) {
                        // SQLite refuses a writer while the server writes: "database is locked" or "commit failed".
                        assertTrue((output.contains("database is locked") || output.contains("Error in SQL transaction"))
                                && attempt < REGISTER_ATTEMPTS, "prosodyctl: " + output);
                        failed.add(batch.get(i));
                    }
                }
            }
            left = failed;
            Thread.sleep(100L * attempt);
        }
    }
}
