package im.sotto.cli;

import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sotto account list}: the accounts in the home directory; reads no store and needs no server. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the accounts in the Sotto home: address, "
        + "how the store is protected, the server setting and the account's directory. Works offline, asks nothing.")
final class AccountListCommand implements Callable<Integer> {
    @Option(names = "--home", paramLabel = "DIR", description = "Where accounts' stores live (default: $SOTTO_HOME, "
            + "else ~/.sotto).")
    java.nio.file.Path home;

    @Override
    public Integer call() {
        Common common = new Common();
        common.home = home;
        List<Accounts.Entry> accounts = Accounts.list(common.homeDirectory());
        if (accounts.isEmpty()) {
            System.out.println("No account in " + common.homeDirectory() + "; add one with: sotto account add JID");
            return ExitCode.OK;
        }
        System.out.printf("%-32s %-11s %-24s %s%n", "ACCOUNT", "STORE", "SERVER", "DIRECTORY");
        for (Accounts.Entry entry : accounts) {
            String server = entry.settings().getProperty("server", "DNS")
                    + (Boolean.parseBoolean(entry.settings().getProperty("insecure-loopback")) ? " (plain)" : "");
            System.out.printf("%-32s %-11s %-24s %s%n", entry.jid(), entry.passphrase() ? "passphrase" : "key file",
                    server, entry.directory());
        }
        return ExitCode.OK;
    }
}
