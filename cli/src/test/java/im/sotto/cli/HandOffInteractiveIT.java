package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The commands that exited 5 beside a running listen and now do not: verify (the comparison of the listen's session,
 * asked in the command's own terminal, and an answer about another comparison refused), certify (kept and used by the
 * listen), devices approve (the listen links the new device), and account remove, which says to stop the listen
 * first and removes nothing; against Prosody.
 */
class HandOffInteractiveIT {
    private static final long WAIT_SECONDS = 60;

    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.plaintext();

    @Test
    void verifyAndCertifyGoThroughARunningListenAndAccountRemoveSaysToStopIt() throws Exception {
        prosody.add("alice");
        prosody.add("bob");
        Map<String, String> alice = prosody.env("alice");
        String aliceJid = prosody.jid("alice");
        String bobJid = prosody.jid("bob");
        Path accountDirectory = prosody.temp().resolve("alice").resolve(aliceJid);
        Path socket = accountDirectory.resolve(HandOff.SOCKET);

        prosody.ok(prosody.env("bob"), "send", aliceJid, "hello", "alice");
        String bobFingerprint = prosody.ok(prosody.env("bob"), "fingerprint").out().lines().findFirst().orElseThrow()
                .substring(bobJid.length() + 1);
        CliProcess.Started listen = CliProcess.start(alice, "listen", "--json", "--timeout", "180");
        listen.awaitOutput("hello alice", WAIT_SECONDS);

        // An answer about something the listen would not show now (another session's SAS, a forged text) records
        // nothing: the comparison is bound to what the user was shown.
        String forged = ask(socket, "{\"v\":1,\"request\":\"verify-answer\",\"jid\":\"" + bobJid + "\",\"shown\":"
                + "\"SAS with " + bobJid + ": AAAAAAAA\\nDoes " + bobJid + " see the same 8 characters? [yes/no] \","
                + "\"same\":true}");
        assertTrue(forged.contains("\"exit\":7") && forged.contains("changed while you compared"), forged);
        assertTrue(row(prosody.ok(alice, "contacts").out(), bobJid).contains(" UNVERIFIED "), "nothing recorded");

        // A contact password is checked only when a session is made, which the listen does not do for verify.
        Map<String, String> withPassword = new HashMap<>(alice);
        withPassword.put(ContactPassword.VARIABLE, "our secret");
        CliProcess.Run refused = CliProcess.run(withPassword, "yes\n", WAIT_SECONDS, "verify", bobJid);
        assertEquals(ExitCode.USAGE, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("Stop it, then run sotto verify with the password again"), refused.toString());

        // Before, this exited 5. Bob's session began offline: his fingerprint is compared, asked here, recorded there.
        CliProcess.Run verified = CliProcess.run(alice, "yes\n", WAIT_SECONDS, "verify", bobJid);
        assertEquals(0, verified.exit(), verified.toString());
        assertTrue(verified.err().contains("Compared on the session of the running listen"), verified.toString());
        assertTrue(verified.out().contains(bobJid + "'s fingerprint: " + bobFingerprint), verified.toString());
        assertTrue(verified.out().contains("Does sotto fingerprint on " + bobJid + "'s side show the same? [yes/no]"),
                verified.toString());
        assertTrue(verified.out().contains(bobJid + " is now VERIFIED"), verified.toString());
        assertTrue(row(prosody.ok(alice, "contacts").out(), bobJid).contains(" VERIFIED "), "recorded by the listen");

        // certify: checked and kept by the listen (a file it cannot read changes nothing), the statement written.
        Path garbage = prosody.temp().resolve("not-a-certificate.pem");
        Files.writeString(garbage, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        CliProcess.Run bad = prosody.sotto(alice, "certify", "--x509-anchors", garbage.toString());
        assertEquals(ExitCode.USAGE, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("nothing was changed"), bad.toString());
        assertFalse(Files.exists(accountDirectory.resolve(CertificationSettings.ANCHORS)), bad.toString());
        Path statement = prosody.temp().resolve("statement.bin");
        CliProcess.Run certified = prosody.sotto(alice, "certify", "--openpgp-statement", statement.toString());
        assertEquals(0, certified.exit(), certified.toString());
        assertTrue(certified.out().startsWith("Wrote the statement to sign to " + statement), certified.toString());
        assertTrue(certified.out().contains("X.509 anchors: none"), certified.toString());
        byte[] written = Files.readAllBytes(statement);

        // A command the listen does not take says what holds the store and what to do, not "another sotto process".
        CliProcess.Run second = prosody.sotto(alice, "listen", "--timeout", "5");
        assertEquals(ExitCode.STORE, second.exit(), second.toString());
        assertTrue(CliProcess.oneLineError(second).contains("in use by its running listen or chat")
                && CliProcess.oneLineError(second).contains("stop it first"), second.toString());

        // account remove would delete the store the listen works in: it says to stop the listen, and removes nothing.
        CliProcess.Run remove = prosody.sotto(alice, "account", "remove", aliceJid, "--yes");
        assertEquals(ExitCode.STORE, remove.exit(), remove.toString());
        assertTrue(CliProcess.oneLineError(remove).contains("stop it first"), remove.toString());
        assertTrue(Files.exists(accountDirectory.resolve(Accounts.STORE)), "nothing removed");

        listen.signal("TERM");
        listen.finish(WAIT_SECONDS);
        // The statement the listen wrote is the one certify writes alone.
        Files.delete(statement);
        prosody.ok(alice, "certify", "--openpgp-statement", statement.toString());
        assertArrayEquals(Files.readAllBytes(statement), written);
    }

    /**
     * devices approve beside a running listen: the listen links the new device on its own connection, from the
     * waiting presence it saw (it must not announce itself at priority -1), and keeps receiving afterwards.
     */
    @Test
    void devicesApproveGoesThroughARunningListenWhichKeepsReceiving() throws Exception {
        prosody.add("alice");
        prosody.add("bob");
        Map<String, String> alice = prosody.env("alice");
        String aliceJid = prosody.jid("alice");
        CliProcess.Started listen = CliProcess.start(alice, "listen", "--json", "--timeout", "180");
        listen.awaitOutput("\"event\":\"ready\"", WAIT_SECONDS);

        // A wrong code beside the listen: refused as approve refuses it alone (exit 13), nothing linked.
        Map<String, String> laptop = prosody.env("alice-laptop", "alice");
        CliProcess.Started wrong = CliProcess.start(laptop, "account", "link", aliceJid, "--no-passphrase", "--server",
                prosody.server(), "--insecure-loopback");
        String code = awaitCode(wrong);
        String typo = code.substring(0, 8) + (code.endsWith("7") ? "8" : "7");
        CliProcess.Run refused = prosody.sotto(alice, "devices", "approve", typo);
        assertEquals(ExitCode.NOT_LINKED, refused.exit(), refused.toString());
        assertTrue(CliProcess.oneLineError(refused).contains("the code did not match"), refused.toString());
        assertEquals(ExitCode.NOT_LINKED, wrong.finish(WAIT_SECONDS).exit());
        assertFalse(Files.exists(Path.of(laptop.get("SOTTO_HOME")).resolve(aliceJid).resolve(Accounts.STORE)));

        // Before, this exited 5.
        CliProcess.Started link = CliProcess.start(laptop, "account", "link", aliceJid, "--no-passphrase", "--server",
                prosody.server(), "--insecure-loopback");
        CliProcess.Run approved = prosody.sotto(alice, "devices", "approve", awaitCode(link));
        assertEquals(0, approved.exit(), approved.toString());
        assertFalse(approved.err().contains("Logged in"), "no second login: " + approved);
        CliProcess.Run linked = link.finish(WAIT_SECONDS);
        assertEquals(0, linked.exit(), linked.toString());
        java.util.regex.Matcher device = java.util.regex.Pattern.compile("Linked " + java.util.regex.Pattern.quote(
                aliceJid) + " \\(device (\\d+)\\)").matcher(linked.out());
        assertTrue(device.find(), linked.out());
        assertTrue(approved.out().startsWith("Approved device " + device.group(1) + " "), approved.toString());

        // The listen's own presence is as before: a message for the account still reaches it.
        prosody.ok(prosody.env("bob"), "send", aliceJid, "after", "the", "link");
        listen.awaitOutput("after the link", WAIT_SECONDS);
        listen.signal("TERM");
        listen.finish(WAIT_SECONDS);
    }

    private static String awaitCode(CliProcess.Started link) throws Exception {
        link.awaitOutput("Link code: ", WAIT_SECONDS);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Link code: ([0-9A-Z]{4}-[0-9A-Z]{4})")
                .matcher(link.outputSoFar());
        assertTrue(m.find(), link.outputSoFar());
        return m.group(1);
    }

    private static String row(String table, String contact) {
        return table.lines().filter(l -> l.startsWith(contact + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + contact + ": " + table));
    }

    /** Writes {@code json} as one frame to the socket and returns the answer frame's JSON. */
    private static String ask(Path socket, String json) throws Exception {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(4 + bytes.length).putInt(bytes.length).put(bytes).flip();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            while (frame.hasRemaining()) {
                channel.write(frame);
            }
            return HandOffFrames.text(HandOffFrames.read(channel));
        }
    }
}
