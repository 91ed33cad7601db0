package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.InMemoryAccountStore;

import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RosterCacheTest {
    @TempDir
    Path dir;

    private final AccountStore store = new InMemoryAccountStore();
    private final ByteArrayOutputStream said = new ByteArrayOutputStream();
    private final PrintStream progress = new PrintStream(said, true, StandardCharsets.UTF_8);

    @Test
    void pendingRequestsRosterAndPresenceSurviveARestartInTheStoreAndNoFileIsWritten() throws Exception {
        RosterCache cache = RosterCache.load(store, dir, progress);
        Instant asked = Instant.parse("2026-12-07T00:40:12Z");
        assertTrue(cache.requested(JidCreate.bareFrom("carol@example.org"), asked));
        cache.roster(Map.of("bob@example.org", "both"));
        cache.presence(JidCreate.bareFrom("bob@example.org"), "available (laptop)", asked);
        cache.save();

        RosterCache again = RosterCache.load(store, dir, progress);
        assertEquals(Map.of("carol@example.org", asked), again.pending());
        assertEquals(Map.of("bob@example.org", "both"), again.subscriptions());
        assertEquals("available (laptop)", again.presence("bob@example.org").orElseThrow().summary());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "nothing beside the store");
        }

        again.answered(JidCreate.bareFrom("carol@example.org"));
        again.roster(Map.of());
        again.save();
        assertEquals(Map.of(), RosterCache.load(store, dir, progress).pending());
        assertEquals(List.of(), store.transact(s -> s.contacts().peers()), "a contact no longer known is deleted");
    }

    @Test
    void aCleartextFileOfAnEarlierVersionIsImportedOnceAndDeleted() throws Exception {
        Files.writeString(dir.resolve(RosterCache.LEGACY_FILE), "contact.bob@example.org=both\n"
                + "presence.bob@example.org=2026-12-07T00:40:12Z|away (phone)\n"
                + "pending.carol@example.org=2026-12-07T00:41:00Z\n", StandardCharsets.ISO_8859_1);
        Files.writeString(dir.resolve(RosterCache.LEGACY_FILE + ".123.tmp"), "contact.dave@example.org=to\n");

        RosterCache imported = RosterCache.load(store, dir, progress);

        assertEquals(Map.of("bob@example.org", "both"), imported.subscriptions());
        assertEquals("away (phone)", imported.presence("bob@example.org").orElseThrow().summary());
        assertEquals(Set.of("carol@example.org"), imported.pending().keySet());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "the cleartext file and its temporaries are gone");
        }
        assertTrue(said.toString(StandardCharsets.UTF_8).contains("into the encrypted store"), said.toString());
        RosterCache fromStore = RosterCache.load(store, dir, progress);
        assertEquals(Map.of("bob@example.org", "both"), fromStore.subscriptions());
        assertEquals(List.of("bob@example.org", "carol@example.org"), store.transact(s -> s.contacts().peers()));
    }

    @Test
    void aDamagedCleartextFileIsDeletedWithANoteAndImportsNothing() throws Exception {
        for (String damaged : List.of("pending.carol@example.org=yesterday\n", "surprise.key=1\n",
                "contact.Not A Jid@@=both\n", "presence.bob@example.org=no time here\n")) {
            Files.writeString(dir.resolve(RosterCache.LEGACY_FILE), damaged, StandardCharsets.ISO_8859_1);
            RosterCache cache = RosterCache.load(store, dir, progress);
            assertEquals(Map.of(), cache.subscriptions(), damaged);
            assertEquals(Map.of(), cache.pending(), damaged);
            assertFalse(Files.exists(dir.resolve(RosterCache.LEGACY_FILE)), damaged);
            assertTrue(said.toString(StandardCharsets.UTF_8).contains("is damaged"), said.toString());
        }
    }

    @Test
    void aDamagedRecordInTheStoreIsATypedErrorAndACommandThatLogsInSaysSoAndGoesOn() throws Exception {
        store.transact(s -> {
            s.contacts().store("bob@example.org", new byte[] {9, 0, 0, 0});
            return null;
        });
        CliException e = assertThrows(CliException.class, () -> RosterCache.load(store, dir, progress));
        assertEquals(ExitCode.STORE, e.exitCode());
        assertTrue(e.getMessage().contains("damaged"), e.getMessage());
        RosterCache replaced = RosterCache.loadOrReplace(store, dir, progress);
        assertEquals(Map.of(), replaced.subscriptions());
        assertTrue(said.toString(StandardCharsets.UTF_8).startsWith("Note: "), said.toString());
        replaced.roster(Map.of("carol@example.org", "both"));
        replaced.save();
        assertEquals(Map.of("carol@example.org", "both"), RosterCache.load(store, dir, progress).subscriptions(),
                "the damaged record was replaced by what the server said");
    }

    @Test
    void contactRecordsAreReadStrictly() throws Exception {
        ContactRecord full = new ContactRecord(Optional.of("both"), Optional.of(new RosterCache.Presence("away (x)",
                Instant.ofEpochMilli(1_765_000_000_123L))), Optional.of(Instant.ofEpochMilli(1_765_000_000_000L)));
        assertEquals(full, ContactRecord.decode(full.encode()));
        byte[] encoded = full.encode();
        byte[] longer = Arrays.copyOf(encoded, encoded.length + 1);
        byte[] shorter = Arrays.copyOf(encoded, encoded.length - 1);
        byte[] otherVersion = encoded.clone();
        otherVersion[0] = 2;
        byte[] badFlag = encoded.clone();
        badFlag[1] = 2;
        for (byte[] bad : List.of(longer, shorter, otherVersion, badFlag, new byte[0])) {
            assertThrows(ContactRecord.Malformed.class, () -> ContactRecord.decode(bad), Arrays.toString(bad));
        }
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
        assertTrue(EventLines.text(event).endsWith(" * carol@example.org asks to see your presence: sotto contacts "
                + "accept carol@example.org (or deny)"), EventLines.text(event));
    }
}
