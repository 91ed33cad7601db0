package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The commands against a Prosody that requires TLS with a self-signed certificate, as a small private server on the
 * Internet: refused (one line, exit code 4) until the user names that certificate with --server-cert, and then TLS
 * is really on (Prosody logs the encrypted stream). Plaintext is never a fallback.
 */
class TlsIT {
    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.tls();

    @Test
    void selfSignedServerIsRefusedUntilItsCertificateIsGivenThenTlsIsUsed() throws Exception {
        Map<String, String> alice = prosody.env("alice");
        CliProcess.Run refused = prosody.sotto(alice, "account", "add", prosody.jid("alice"), "--no-passphrase", "--server",
                prosody.server());
        assertEquals(ExitCode.CONNECTION, refused.exit(), refused.toString());
        String error = CliProcess.oneLineError(refused);
        assertTrue(error.contains("is not trusted: it is self-signed or from an unknown authority")
                && error.contains("--server-cert FILE"), error);
        assertFalse(prosody.log().contains("Authenticated as " + prosody.jid("alice")),
                "nothing was sent to an untrusted server, not even the login:\n" + prosody.log());

        // Nothing was created by the refused add (it reads the server's device list before making keys): add again.
        CliProcess.Run added = prosody.sotto(alice, "account", "add", prosody.jid("alice"), "--no-passphrase",
                "--server", prosody.server(), "--server-cert", prosody.cert().toString());
        assertEquals(0, added.exit(), added.toString());
        CliProcess.Run trusted = prosody.sotto(alice, "status");
        assertEquals(0, trusted.exit(), trusted.toString());
        assertTrue(trusted.err().contains("Connecting to " + prosody.server() + " (TLS)"), trusted.err());
        assertTrue(trusted.err().lines().anyMatch(l -> l.startsWith("Logged in as " + prosody.jid("alice") + "/")
                && l.endsWith(" over TLS")), trusted.err());
        assertTrue(trusted.out().contains("(this device listed)"), trusted.out());
        String log = prosody.log();
        assertTrue(log.contains("Stream encrypted (TLSv1."), "Prosody saw an encrypted stream:\n" + log);
        assertTrue(log.contains("Authenticated as " + prosody.jid("alice")), log);
    }

    /** --server-cert saved by account add applies to later commands; a message goes through over TLS. */
    @Test
    void accountAddRemembersTheCertificateAndMessagesFlowOverTls() throws Exception {
        Map<String, String> bob = prosody.env("bob");
        Map<String, String> carol = prosody.env("carol");
        for (Map<String, String> env : List.of(bob, carol)) {
            String user = env == bob ? "bob" : "carol";
            CliProcess.Run added = prosody.sotto(env, "account", "add", prosody.jid(user), "--no-passphrase", "--server",
                    prosody.server(), "--server-cert", prosody.cert().toString());
            assertEquals(0, added.exit(), added.toString());
            assertTrue(added.err().contains(" over TLS"), added.err());
        }
        CliProcess.Run sent = prosody.sotto(bob, "send", prosody.jid("carol"), "over", "two", "layers");
        assertEquals(0, sent.exit(), sent.toString());
        CliProcess.Run listened = prosody.sotto(carol, "listen", "--count", "1", "--timeout", "30");
        assertEquals(0, listened.exit(), listened.toString());
        assertTrue(listened.out().contains(prosody.jid("bob") + "/") && listened.out().contains(": over two layers"),
                listened.out());
    }

    /** Trusting some other self-signed certificate does not make this server trusted. */
    @Test
    void anotherCertificateDoesNotMatch() throws Exception {
        Path other = prosody.temp().resolve("other.crt");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=" + prosody.domain(),
                "-addext", "subjectAltName=DNS:" + prosody.domain(), "-keyout", prosody.temp().resolve("other.key").toString(),
                "-out", other.toString()).redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0, output);
        Map<String, String> alice = prosody.env("alice");
        CliProcess.Run run = prosody.sotto(alice, "account", "add", prosody.jid("alice"), "--no-passphrase", "--server",
                prosody.server(), "--server-cert", other.toString());
        assertEquals(ExitCode.CONNECTION, run.exit(), run.toString());
        assertTrue(CliProcess.oneLineError(run).contains("is not trusted"), run.toString());
    }

    /** A server that requires TLS is not spoken to in plaintext, even on loopback; the line says what to do. */
    @Test
    void insecureLoopbackToATlsServerIsRefusedByTheServer() throws Exception {
        CliProcess.Run run = prosody.sotto(prosody.env("alice"), "account", "add", prosody.jid("alice"), "--no-passphrase",
                "--server", prosody.server(), "--insecure-loopback");
        assertEquals(ExitCode.CONNECTION, run.exit(), run.toString());
        assertTrue(CliProcess.oneLineError(run).contains("requires TLS: leave out --insecure-loopback"),
                run.toString());
    }
}
