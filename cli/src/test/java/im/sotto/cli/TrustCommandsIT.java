package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;


import im.sotto.store.Protection;
import im.sotto.store.SqliteAccountStore;
import im.sotto.xmpp.SottoAccount;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Transcripts of the trust commands against a real Prosody: distrust holds messages (never plaintext) until the
 * contact is verified again; a contact's X.509 certificate makes it certified. (A new device of a verified contact:
 * {@link DeviceApprovalIT}.)
 */
class TrustCommandsIT {
    @RegisterExtension
    static final PrivateServer prosody = PrivateServer.plaintext();

    private static CliProcess.Run sotto(Map<String, String> env, String... args) throws Exception {
        return prosody.sotto(env, args);
    }

    private static CliProcess.Run ok(Map<String, String> env, String... args) throws Exception {
        return prosody.ok(env, args);
    }

    @Test
    void distrustHoldsMessagesUntilTheContactIsVerifiedAgain() throws Exception {
        Map<String, String> alice = prosody.env("alice");
        Map<String, String> bob = prosody.env("bob");
        prosody.add("alice");
        prosody.add("bob");
        prosody.exchange(alice, bob);

        CliProcess.Run distrusted = ok(alice, "distrust", prosody.jid("bob"));
        assertEquals(prosody.jid("bob") + " is now DISTRUSTED: nothing is sent to it\n", distrusted.out());
        assertTrue(ok(alice, "contacts").out().lines().anyMatch(l -> l.startsWith(prosody.jid("bob"))
                && l.contains(" DISTRUSTED ")));

        CliProcess.Run held = sotto(alice, "send", prosody.jid("bob"), "the", "secret", "plans");
        assertEquals(ExitCode.NOT_SENT, held.exit(), held.toString());
        String error = held.err().lines().filter(l -> l.startsWith("sotto: ")).findFirst().orElseThrow();
        assertTrue(error.contains("held for " + prosody.jid("bob")) && error.contains("you distrusted this contact")
                && error.contains("Nothing was sent in plaintext"), error);
        CliProcess.Run nothing = sotto(bob, "listen", "--json", "--count", "1", "--timeout", "5");
        assertEquals(ExitCode.TIMEOUT, nothing.exit(), nothing.toString());
        assertEquals(List.of(), PrivateServer.bodies(nothing), "bob gets nothing from alice while she distrusts him");
        assertFalse(prosody.storedData().contains("secret plans"), "nothing in plaintext on the server");

        CliProcess.Run trusted = ok(alice, "trust", prosody.jid("bob"));
        assertEquals(prosody.jid("bob") + " is now VERIFIED\n", trusted.out());
        ok(alice, "send", prosody.jid("bob"), "and", "more");
        assertEquals(List.of("the secret plans", "and more"),
                PrivateServer.bodies(ok(bob, "listen", "--json", "--count", "2", "--timeout", "30")),
                "the held message went first, once alice verified bob again");
    }

    @Test
    void aContactsX509CertificateMakesItCertified() throws Exception {
        Map<String, String> alice = prosody.env("alice");
        Map<String, String> bob = prosody.env("bob");
        prosody.add("alice");
        prosody.add("bob");
        TestCertificates ca = new TestCertificates("CN=Sotto Test Root");
        Path root = TestCertificates.pem(prosody.temp().resolve("root.pem"), ca.root);
        Path bobCertificate = TestCertificates.pem(prosody.temp().resolve("bob.pem"),
                ca.account(accountKey("bob"), prosody.jid("bob")));
        CliProcess.Run anchors = ok(alice, "certify", "--x509-anchors", root.toString());
        assertTrue(anchors.out().contains("X.509 anchors: [CN=Sotto Test Root]"), anchors.out());
        CliProcess.Run attached = ok(bob, "certify", "--attach-x509", bobCertificate.toString());
        assertTrue(attached.out().contains("Attached to handshakes: X.509 [CN=" + prosody.jid("bob") + "]"),
                attached.out());

        // The certificate travels in the online handshake, which sotto verify makes.
        List<CliProcess.Run> runs = prosody.verifyEachOther(new PrivateServer.Verifier(alice, "bob", "yes"),
                new PrivateServer.Verifier(bob, "alice", "yes"));
        CliProcess.Run aliceRun = runs.get(0);
        CliProcess.Run bobRun = runs.get(1);
        assertEquals(0, aliceRun.exit(), aliceRun.toString());
        assertEquals(0, bobRun.exit(), bobRun.toString());
        assertTrue(aliceRun.out().contains(prosody.jid("bob") + " is now CERTIFIED"), aliceRun.out());
        assertTrue(bobRun.out().contains(prosody.jid("alice") + " is now VERIFIED"), "alice attached nothing: "
                + bobRun.out());
        String contacts = ok(alice, "contacts").out();
        assertTrue(contacts.lines().anyMatch(l -> l.startsWith(prosody.jid("bob")) && l.contains(" CERTIFIED ")
                && l.contains("X509 certified: CN=" + prosody.jid("bob") + " by CN=Sotto Test Root")), contacts);
    }

    private byte[] accountKey(String user) throws Exception {
        Path dir = prosody.temp().resolve(user).resolve(prosody.jid(user));
        try (SqliteAccountStore store = SqliteAccountStore.open(dir.resolve(Accounts.STORE),
                Protection.keyFile(dir.resolve(Accounts.KEY_FILE)))) {
            return SottoAccount.open(store, new SecureRandom(), Clock.systemUTC()).identity().publicKey().bytes();
        }
    }

    /** A second device of {@code user}'s account, in its own home: the account key copied, a new device key. */
}
