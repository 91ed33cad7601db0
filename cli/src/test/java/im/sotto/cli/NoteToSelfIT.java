package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue #18: sending to your own address hung 39 s (a handshake of this device with itself), exited 6, and every
 * later listen showed a false TAMPERED. Now it is refused at once when there is no other device, goes to the other
 * (linked) device when there is one, and never leaves a TAMPERED behind.
 */
class NoteToSelfIT {
    /** A JVM start and a login on a loaded machine; far below the 39 s the self-handshake used to take on top. */
    private static final long REFUSED_WITHIN_MILLIS = 30_000;

    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.plaintext();

    @Test
    void aNoteToSelfWithoutAnotherDeviceIsRefusedAtOnce() throws Exception {
        Map<String, String> alice = prosody.env("alice");
        prosody.add("alice", alice, "--no-passphrase");
        long start = System.nanoTime();
        CliProcess.Run note = prosody.sotto(alice, "send", prosody.jid("alice"), "remember the milk");
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(ExitCode.REFUSED, note.exit(), note.toString());
        assertTrue(CliProcess.oneLineError(note).contains("no other device of yours to send to"), note.toString());
        assertTrue(tookMillis < REFUSED_WITHIN_MILLIS, "took " + tookMillis + " ms: " + note);

        CliProcess.Run later = prosody.sotto(alice, "listen", "--json", "--timeout", "8");
        assertEquals(0, later.exit(), later.toString());
        assertFalse(later.out().contains("TAMPERED"), later.toString());
    }

    /**
     * With a linked second device the note goes to it, shown there as the user's own line, and neither device is
     * left with a TAMPERED or anything undecryptable (issue #19; the laptop is listening, the phone sends).
     */
    @Test
    void aNoteToSelfWithALinkedDeviceReachesItAndNothingIsTampered() throws Exception {
        Map<String, String> phone = prosody.env("note-phone", "alice");
        prosody.add("alice", phone, "--no-passphrase");
        Map<String, String> laptop = OwnDevicesIT.link(prosody, phone, "alice", "note-laptop");
        for (Map<String, String> device : List.of(phone, laptop, phone)) {
            prosody.ok(device, "listen", "--json", "--timeout", "5");  // archive positions, then their sessions
        }
        CliProcess.Started listening = CliProcess.start(laptop, "listen", "--json", "--count", "1", "--timeout",
                "90");
        listening.awaitOutput("\"event\":\"ready\"", PrivateServer.COMMAND_TIMEOUT_SECONDS);
        long start = System.nanoTime();
        CliProcess.Run note = prosody.ok(phone, "send", prosody.jid("alice"), "remember the milk");
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMillis < REFUSED_WITHIN_MILLIS, "took " + tookMillis + " ms: " + note);
        CliProcess.Run read = listening.finish(PrivateServer.COMMAND_TIMEOUT_SECONDS);
        assertEquals(0, read.exit(), read.toString());
        assertTrue(read.out().contains("\"body\":\"remember the milk\""), read.toString());
        assertTrue(read.out().contains("\"yours\":true"), read.toString());
        for (Map<String, String> device : List.of(phone, laptop)) {
            CliProcess.Run later = prosody.sotto(device, "listen", "--json", "--timeout", "8");
            assertEquals(0, later.exit(), later.toString());
            assertFalse(later.out().contains("TAMPERED") || later.out().contains("undecryptable"), later.toString());
            assertFalse(later.out().contains("remember the milk"), "shown once only: " + later);
        }
    }
}
