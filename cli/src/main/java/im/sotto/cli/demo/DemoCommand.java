package im.sotto.cli.demo;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

import im.sotto.cli.CliException;
import im.sotto.cli.ExitCode;
import im.sotto.cli.Jids;
import im.sotto.cli.ServerAddress;

import org.jxmpp.jid.EntityBareJid;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sotto demo}: what Sotto protects, shown in one command. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts a private Prosody on 127.0.0.1 (installing it from Debian if missing), runs alice and "
                + "bob through an online handshake (both SAS shown), messages, directed presence and iq both ways, an "
                + "offline message and a replayed stanza, and shows for each step what the receiver read next to what "
                + "the server saw. Exits 0 only when every check passed; stops everything it started."},
        footer = {"", "With --server, the demo uses an existing server: --alice and --bob name two accounts on it, "
                + "their passwords come from SOTTO_ALICE_PASSWORD and SOTTO_BOB_PASSWORD."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print a machine-readable report (steps, checks, SAS, stanza and byte "
            + "counts) instead of the side-by-side one.")
    boolean json;

    @Option(names = "--server", paramLabel = "HOST:PORT", description = "Use this existing server instead of a "
            + "private Prosody.")
    String server;

    @Option(names = "--alice", paramLabel = "JID", description = "Alice's account on --server.")
    String alice;

    @Option(names = "--bob", paramLabel = "JID", description = "Bob's account on --server.")
    String bob;

    @Option(names = "--server-cert", paramLabel = "FILE", description = "Trust this self-signed server "
            + "certificate (TLS stays on).")
    Path serverCert;

    @Option(names = "--insecure-loopback", description = "Plaintext XMPP to a --server on 127.0.0.1 (tests only).")
    boolean insecureLoopback;

    @Option(names = "--debug", description = "Show stack traces and library logs.")
    boolean debug;

    @Override
    public Integer call() {
        Demo.Setup setup;
        if (server == null) {
            if (alice != null || bob != null || insecureLoopback || serverCert != null) {
                throw new CliException(ExitCode.USAGE, "--alice, --bob, --server-cert and --insecure-loopback go "
                        + "with --server HOST:PORT (without it the demo runs its own Prosody)");
            }
            setup = new Demo.Setup(Optional.empty(), Optional.empty(), Optional.empty(), null, null,
                    Optional.empty(), false);
        } else {
            if (alice == null || bob == null) {
                throw new CliException(ExitCode.USAGE, "--server needs --alice JID and --bob JID (two accounts on "
                        + "that server)");
            }
            EntityBareJid aliceJid = Jids.account(alice);
            EntityBareJid bobJid = Jids.account(bob);
            setup = new Demo.Setup(Optional.of(ServerAddress.parse(server)), Optional.of(aliceJid),
                    Optional.of(bobJid), password("SOTTO_ALICE_PASSWORD", "alice"), password("SOTTO_BOB_PASSWORD",
                    "bob"), Optional.ofNullable(serverCert), insecureLoopback);
        }
        Demo.Result result = new Demo(setup, System.err).run();
        System.out.print(json ? result.json() + System.lineSeparator() : result.text());
        System.out.flush();
        return result.passed() ? ExitCode.OK : ExitCode.FAILED;
    }

    private static char[] password(String variable, String who) {
        String value = System.getenv(variable);
        if (value == null || value.isEmpty()) {
            throw new CliException(ExitCode.USAGE, "no password for " + who + ": set " + variable
                    + " (the demo never asks on the terminal)");
        }
        return value.toCharArray();
    }
}
