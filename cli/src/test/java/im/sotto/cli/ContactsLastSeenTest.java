package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import im.sotto.protocol.device.PeerDevices;
import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.protocol.store.LogEntry;
import im.sotto.protocol.store.SessionAddress;

import org.junit.jupiter.api.Test;

/**
 * LAST SEEN of {@code sotto contacts} and {@code sotto devices} comes from the per-device record the binding keeps as
 * it opens messages (PeerDevices, what staleness is judged by), not from a scan of the message log.
 */
class ContactsLastSeenTest {
    private static final String BOB = "bob@example.org";
    private static final String CAROL = "carol@example.org";
    private static final String DAVE = "dave@example.org";
    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00.123Z");

    @Test
    void eachDeviceShowsWhenItsLastMessageWasOpenedAndTheTableTheContactsNewestDevice() {
        InMemoryAccountStore store = new InMemoryAccountStore();
        store.transact(s -> {
            // As DeviceGate.heard records each opened message: bob's phone twice, his laptop once, carol once.
            PeerDevices bob = PeerDevices.none().heard(11, T0).heard(12, T0.plusSeconds(60))
                    .heard(11, T0.plusSeconds(3600)).heard(11, T0.plusSeconds(5));
            s.peerDevices().store(BOB, bob.encode());
            s.peerDevices().store(CAROL, PeerDevices.none().heard(21, T0.plusSeconds(7)).encode());
            // A record of dave's account without any message heard (a staleness report, say): no time to show.
            s.peerDevices().store(DAVE, PeerDevices.none().staleReported(31).encode());
            // A long log says nothing that the records do not: LAST SEEN must not depend on reading it.
            for (int i = 0; i < 5_000; i++) {
                s.messageLog().append(new LogEntry(LogEntry.Direction.RECEIVED, new SessionAddress(DAVE, 31),
                        "m-" + i, T0.plusSeconds(i), new byte[] {1}));
            }
            return null;
        });

        Map<SessionAddress, Instant> seen = Contacts.lastSeen(store, Set.of(BOB, CAROL, DAVE, "erin@example.org"));

        assertEquals(Map.of(new SessionAddress(BOB, 11), T0.plusSeconds(3600), new SessionAddress(BOB, 12),
                T0.plusSeconds(60), new SessionAddress(CAROL, 21), T0.plusSeconds(7)), seen,
                "the latest opening per device, kept apart per account; none for a device never heard from");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ContactsTable.print(new ContactsTable.Sources(Map.of(
                BOB, List.of(new SessionAddress(BOB, 11), new SessionAddress(BOB, 12)),
                CAROL, List.of(new SessionAddress(CAROL, 21)),
                DAVE, List.of(new SessionAddress(DAVE, 31))), seen, contact -> Optional.empty(),
                RosterCache.detached(), Optional.empty(), contact -> 0),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String table = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(row(table, BOB).endsWith(" " + T0.plusSeconds(3600)), "bob's newest device: " + table);
        assertTrue(row(table, CAROL).endsWith(" " + T0.plusSeconds(7)), table);
        assertTrue(row(table, DAVE).endsWith(" never"), "dave was never heard from: " + table);
    }

    private static String row(String table, String contact) {
        return table.lines().filter(l -> l.startsWith(contact + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + contact + ": " + table));
    }
}
