package im.sotto.xmpp.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import im.sotto.protocol.store.LogEntry;
import im.sotto.store.SqliteAccountStore;

import org.jivesoftware.smack.packet.Message;

/**
 * {@link ClientKillIT}'s debug output ({@code -Dsotto.kills.debug=true}; {@link KillDriver} writes bob's side): alice's
 * deliveries and events and her archive passes, with times in milliseconds to line them up with bob's standard error,
 * and what of bob's alice had not been given when the books were read. Found issue #23's bob → alice "silent" losses:
 * books read while alice's worker was still in an archive pass (docs/reliability.md, rel23e).
 */
final class KillDebug {
    static final boolean ON = Boolean.getBoolean("sotto.kills.debug");
    /** What alice was given and told, with the time in milliseconds. */
    private static final List<String> ALICE_TIMELINE = new CopyOnWriteArrayList<>();

    private KillDebug() {
    }

    /** Debug runs: one line of alice's timeline. */
    static void alice(String line) {
        if (ON) {
            ALICE_TIMELINE.add(System.currentTimeMillis() + " " + line);
        }
    }

    static void writeAliceTimeline() throws IOException {
        Files.write(Path.of("target", "client-kill-alice-timeline.txt"), List.copyOf(ALICE_TIMELINE));
    }

    /** Keeps the traced loggers reachable (a logger only weakly held would lose its level). */
    private static final List<java.util.logging.Logger> TRACED = new ArrayList<>();

    /** Debug runs: alice's archive passes (catch-up and advance passes), with the time in milliseconds. */
    static void traceAliceCatchUp() throws IOException {
        java.util.logging.Handler handler = new java.util.logging.FileHandler("target/client-kill-alice-catchup.log");
        handler.setFormatter(new java.util.logging.Formatter() {
            @Override
            public String format(java.util.logging.LogRecord record) {
                return record.getMillis() + " " + record.getLoggerName() + " " + formatMessage(record) + "\n";
            }
        });
        handler.setLevel(java.util.logging.Level.FINE);
        for (String name : List.of("im.sotto.xmpp.ArchiveCatchUp", "im.sotto.xmpp.CatchUpPasses")) {
            java.util.logging.Logger log = java.util.logging.Logger.getLogger(name);
            log.setLevel(java.util.logging.Level.FINE);
            log.addHandler(handler);
            TRACED.add(log);
        }
    }

    /**
     * Debug runs: bob's messages alice had not been given when the books were read, with their stanza ids in bob's
     * log; then waits up to 30 s and names those that reached alice after the books were read (late, not lost).
     */
    static void bobToAlice(SqliteAccountStore bobStore, List<String> bobWrote,
            List<im.sotto.xmpp.DecryptedStanza> aliceGot, SottoParty alice) throws InterruptedException {
        Set<String> got = new HashSet<>();
        aliceGot.forEach(d -> got.add(((Message) d.stanza()).getBody()));
        List<String> missing = bobWrote.stream().filter(b -> !got.contains(b)).toList();
        java.util.Map<String, List<String>> ids = bobStore.transact(st -> {
            java.util.Map<String, List<String>> byBody = new java.util.HashMap<>();
            long after = 0;
            for (List<im.sotto.protocol.store.MessageLog.Logged> page = st.messageLog().read(after, 500);
                    !page.isEmpty(); page = st.messageLog().read(after, 500)) {
                for (im.sotto.protocol.store.MessageLog.Logged logged : page) {
                    after = logged.sequence();
                    if (logged.entry().direction() == LogEntry.Direction.SENT) {
                        java.util.regex.Matcher m = KillDriver.BODY.matcher(new String(logged.entry().content(),
                                StandardCharsets.UTF_8));
                        if (m.find()) {
                            byBody.computeIfAbsent(m.group(1), b -> new ArrayList<>()).add(logged.entry().stanzaId()
                                    + "@" + logged.sequence());
                        }
                    }
                }
            }
            return byBody;
        });
        System.out.println("b2a not delivered when the books were read: " + missing.stream()
                .map(b -> b.substring(b.lastIndexOf('-') + 1) + ids.getOrDefault(b, List.of()))
                .collect(java.util.stream.Collectors.joining(" ")));
        long deadline = System.currentTimeMillis() + 30_000;
        List<String> after = new ArrayList<>();
        while (System.currentTimeMillis() < deadline && after.size() < missing.size()) {
            im.sotto.xmpp.DecryptedStanza late = alice.inbox.poll(500, TimeUnit.MILLISECONDS);
            if (late != null && late.stanza() instanceof Message m && missing.contains(m.getBody())) {
                after.add(m.getBody().substring(m.getBody().lastIndexOf('-') + 1));
            }
        }
        System.out.println("b2a given to alice after the books were read (within 30 s): " + after);
    }
}
