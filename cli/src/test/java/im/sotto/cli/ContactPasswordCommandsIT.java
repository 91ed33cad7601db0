package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A password agreed with a contact, given to {@code sotto verify} the ways the CLI allows (a file readable by its
 * owner only, the environment), never as an argument: the same password on both sides is checked by the handshake;
 * different ones make no session, send nothing, and the side that finds out says so in one line with exit code 7.
 */
class ContactPasswordCommandsIT {
    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.plaintext();

    private static Path passwordFile(String name, String password) throws Exception {
        Path file = prosody.temp().resolve(name);
        Files.writeString(file, password + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void theSamePasswordOnBothSidesIsChecked() throws Exception {
        prosody.add("alice");
        prosody.add("bob");
        Map<String, String> alice = prosody.env("alice");
        Map<String, String> bob = prosody.env("bob");
        bob.put(ContactPassword.VARIABLE, "our walk by the river");
        Path aliceFile = passwordFile("alice-bob.pw", "our walk by the river");

        List<CliProcess.Run> runs = prosody.verifyEachOther(new PrivateServer.Verifier(alice, "bob", "yes",
                "--contact-password-file", aliceFile.toString()), new PrivateServer.Verifier(bob, "alice", "yes"));
        CliProcess.Run aliceRun = runs.get(0);
        CliProcess.Run bobRun = runs.get(1);
        assertEquals(0, aliceRun.exit(), aliceRun.toString());
        assertEquals(0, bobRun.exit(), bobRun.toString());
        for (CliProcess.Run run : new CliProcess.Run[] {aliceRun, bobRun}) {
            assertTrue(run.err().contains("A password is agreed with "), run.toString());
            assertTrue(run.out().contains("Contact password: checked, the same on both sides"), run.toString());
            assertFalse(run.out().contains("river") || run.err().contains("river"), "the password is never shown");
        }
        assertTrue(aliceRun.out().contains(prosody.jid("bob") + " is now VERIFIED"), aliceRun.out());
    }

    @Test
    void differentPasswordsMakeNoSessionAndSendNothing() throws Exception {
        prosody.add("alice");
        prosody.add("bob");
        Map<String, String> alice = prosody.env("alice");
        Map<String, String> bob = prosody.env("bob");
        alice.put(ContactPassword.VARIABLE, "the blue door");
        bob.put(ContactPassword.VARIABLE, "the red door");

        // alice's full JID sorts first, so she opens the handshake and checks bob's answer: she finds the mismatch.
        List<CliProcess.Run> runs = prosody.verifyEachOther(new PrivateServer.Verifier(alice, "bob", "yes"),
                new PrivateServer.Verifier(bob, "alice", "yes"));
        CliProcess.Run aliceRun = runs.get(0);
        CliProcess.Run bobRun = runs.get(1);
        assertEquals(ExitCode.NOT_VERIFIED, aliceRun.exit(), aliceRun.toString());
        String error = CliProcess.oneLineError(aliceRun);
        assertTrue(error.contains("the password agreed with " + prosody.jid("bob") + " did not match: no session was "
                + "made and nothing was sent"), error);
        assertFalse(aliceRun.out().contains("SAS with"), "no SAS without a session: " + aliceRun);
        // bob's side never completes a handshake: nothing reaches him, he waits and gives up.
        assertEquals(ExitCode.TIMEOUT, bobRun.exit(), bobRun.toString());
        assertFalse(bobRun.out().contains("SAS with"), bobRun.toString());

        String aliceContacts = prosody.ok(alice, "contacts").out();
        assertFalse(aliceContacts.contains(" VERIFIED "), "nothing was recorded: " + aliceContacts);
        assertFalse(prosody.storedData().contains("door"), "the passwords never reach the server");
    }
}
