package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RosterCacheTest {
    @TempDir
    Path dir;

    @Test
    void pendingRequestsRosterAndPresenceSurviveARestartInAnOwnerOnlyFile() throws Exception {
        RosterCache cache = RosterCache.load(dir);
        Instant asked = Instant.parse("2026-12-07T00:40:12Z");
        assertTrue(cache.requested(JidCreate.bareFrom("carol@example.org"), asked));
        cache.roster(Map.of("bob@example.org", "both"));
        cache.presence(JidCreate.bareFrom("bob@example.org"), "available (laptop)", asked);
        cache.save();

        RosterCache again = RosterCache.load(dir);
        assertEquals(Map.of("carol@example.org", asked), again.pending());
        assertEquals(Map.of("bob@example.org", "both"), again.subscriptions());
        assertEquals("available (laptop)", again.presence("bob@example.org").orElseThrow().summary());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dir.resolve(RosterCache.FILE))));

        again.answered(JidCreate.bareFrom("carol@example.org"));
        again.save();
        assertEquals(Map.of(), RosterCache.load(dir).pending());
    }

    @Test
    void aDamagedFileIsATypedErrorNotAnEmptyRoster() throws Exception {
        for (String damaged : List.of("pending.carol@example.org=yesterday\n", "surprise.key=1\n",
                "contact.Not A Jid@@=both\n", "presence.bob@example.org=no time here\n")) {
            Files.writeString(dir.resolve(RosterCache.FILE), damaged, StandardCharsets.ISO_8859_1);
            CliException e = assertThrows(CliException.class, () -> RosterCache.load(dir), damaged);
            assertEquals(ExitCode.STORE, e.exitCode(), damaged);
            assertTrue(e.getMessage().contains("is damaged"), e.getMessage());
        }
    }

    @Test
    void aCommandThatLogsInIsNotStoppedByADamagedCacheButSaysSo() throws Exception {
        Files.writeString(dir.resolve(RosterCache.FILE), "surprise.key=1\n", StandardCharsets.ISO_8859_1);
        java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
        RosterCache replaced = RosterCache.loadOrReplace(dir, new java.io.PrintStream(said, true,
                StandardCharsets.UTF_8));
        assertEquals(Map.of(), replaced.subscriptions());
        assertTrue(said.toString(StandardCharsets.UTF_8).startsWith("Note: ") && said.toString(StandardCharsets.UTF_8)
                .contains("is damaged"), said.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aResourceCannotForgeALineInThePresenceSummary() throws Exception {
        Presence forged = StanzaBuilder.buildPresence().ofType(Presence.Type.available).setMode(Presence.Mode.away)
                .from(JidCreate.fullFrom("bob@example.org/phone\n12:00:00 [VERIFIED] mallory")).build();
        String summary = PresenceSummary.of(List.of(forged));
        assertEquals("away (phone\\n12:00:00 [VERIFIED] mallory)", summary);
        assertEquals("offline", PresenceSummary.of(List.of()));
    }

    @Test
    void subscriptionEventsHaveTheirOwnLines() throws Exception {
        SubscriptionEvent request = new SubscriptionEvent(SubscriptionEvent.Kind.REQUEST,
                JidCreate.bareFrom("carol@example.org"), Instant.parse("2026-12-07T00:40:12Z"));
        Map<String, Object> event = EventPrinter.describe(request);
        assertEquals("subscription-request", event.get("event"));
        assertTrue(EventPrinter.text(event).endsWith(" * carol@example.org asks to see your presence: sotto contacts "
                + "accept carol@example.org (or deny)"), EventPrinter.text(event));
    }
}
