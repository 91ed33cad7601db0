package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue #18: a recipient that does not exist is said to be that (exit 10), not "the peer has no Sotto device"; an
 * existing account without Sotto, online or offline, still is the latter (exit 6). Against a real Prosody.
 */
class RecipientErrorsIT {
    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.plaintext();

    @Test
    void aMissingAccountIsNoSuchUserAndAnExistingOneWithoutSottoIsNot() throws Exception {
        Map<String, String> alice = prosody.env("alice");
        Map<String, String> bob = prosody.env("bob");
        prosody.add("alice", alice, "--no-passphrase");
        prosody.add("bob", bob, "--no-passphrase");

        CliProcess.Run missing = prosody.sotto(alice, "send", "nosuchuser@" + prosody.domain(), "hello?");
        assertEquals(ExitCode.NO_SUCH_USER, missing.exit(), missing.toString());
        assertTrue(CliProcess.oneLineError(missing).startsWith("sotto: no such user: the server of nosuchuser@"),
                missing.toString());

        // carol exists but has no Sotto: offline, then online with a plain client.
        CliProcess.Run offline = prosody.sotto(alice, "send", prosody.jid("carol"), "hello?");
        assertEquals(ExitCode.NOT_SENT, offline.exit(), offline.toString());
        assertTrue(CliProcess.oneLineError(offline).contains("no Sotto device"), offline.toString());
        try (RawClient carol = new RawClient(prosody, "carol", "plain")) {
            CliProcess.Run online = prosody.sotto(bob, "send", prosody.jid("carol"), "hello again?");
            assertEquals(ExitCode.NOT_SENT, online.exit(), online.toString());
            assertTrue(CliProcess.oneLineError(online).contains("no Sotto device"), online.toString());
        }
    }
}
