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
 * device when there is one, and never leaves a TAMPERED behind.
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
     * With a second device the note would have to go to it (multi-device fan-out, not done yet): refused as well,
     * with its own reason, and neither device is left with a TAMPERED.
     */
    @Test
    void aNoteToSelfWithAnotherDeviceIsRefusedForNowAndNothingIsTampered() throws Exception {
        Map<String, String> phone = prosody.env("alice-phone", "alice");
        Map<String, String> laptop = prosody.env("alice-laptop", "alice");
        prosody.add("alice", phone, "--no-passphrase");
        prosody.add("alice", laptop, "--no-passphrase");
        CliProcess.Run note = prosody.sotto(phone, "send", prosody.jid("alice"), "remember the milk");
        assertEquals(ExitCode.REFUSED, note.exit(), note.toString());
        assertTrue(CliProcess.oneLineError(note).contains("sending to your other devices is not supported yet"),
                note.toString());
        for (Map<String, String> device : List.of(phone, laptop)) {
            CliProcess.Run later = prosody.sotto(device, "listen", "--json", "--timeout", "8");
            assertEquals(0, later.exit(), later.toString());
            assertFalse(later.out().contains("TAMPERED"), later.toString());
        }
    }
}
