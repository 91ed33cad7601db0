package im.sotto.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Properties;
import java.util.concurrent.Callable;

import im.sotto.store.Protection;
import im.sotto.store.SqliteAccountStore;
import im.sotto.store.StoreOpenException;
import im.sotto.xmpp.SottoAccount;

import org.jxmpp.jid.EntityBareJid;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sotto account add JID}; {@code list} and {@code remove} are in their own files. */
@Command(name = "account", mixinStandardHelpOptions = true, description = "Manage accounts on this machine.",
        subcommands = {AccountCommand.Add.class, AccountListCommand.class, AccountRemoveCommand.class})
public final class AccountCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = {"Creates the account's encrypted store "
            + "and keys, logs in once to check the password and publishes this device's bundle.",
            "The XMPP password is asked (never echoed) and never stored: later commands ask again or read "
            + "SOTTO_PASSWORD / --password-file. The store is protected by a passphrase (Argon2id), or with "
            + "--no-passphrase by an owner-only key file next to it. --server, --server-cert, "
            + "--insecure-loopback and --reveal given here are remembered for the account's later commands."})
    static final class Add implements Callable<Integer> {
        @Mixin
        Common common;

        @Parameters(paramLabel = "JID", description = "The account, user@domain.")
        String jid;

        @Option(names = "--no-passphrase", description = "Protect the store with an owner-only key file instead of "
                + "a passphrase.")
        boolean noPassphrase;

        @Override
        public Integer call() throws Exception {
            EntityBareJid account = Jids.account(jid);
            Path home = common.homeDirectory();
            Path dir = home.resolve(account.toString());
            if (Files.exists(dir.resolve(Accounts.STORE))) {
                throw new CliException(ExitCode.USAGE, account + " already exists in " + home + " (" + dir
                        + "); use another --home to keep a second copy");
            }
            Properties settings = new Properties();
            settings.setProperty("jid", account.toString());
            settings.setProperty("protection", noPassphrase ? "key-file" : "passphrase");
            if (common.server != null) {
                settings.setProperty("server", ServerAddress.parse(common.server).toString());
            }
            if (common.serverCert != null) {
                settings.setProperty("server-cert", common.serverCert.toAbsolutePath().toString());
            }
            if (common.insecureLoopback) {
                settings.setProperty("insecure-loopback", "true");
            }
            if (common.reveal != null) {
                settings.setProperty("reveal", common.reveal);
            }
            Accounts.Entry entry = new Accounts.Entry(account, dir, settings);
            // Checked before anything is written: a bad --server, --insecure-loopback or --reveal fails here.
            Online.transport(common, entry);
            Online.revealPolicy(common, entry);
            Files.createDirectories(home);
            Files.createDirectories(dir);
            try {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: the store's own encryption still protects it.
            }
            Protection protection = Accounts.protection(common, entry, !Secrets.passphraseGiven(common));
            System.err.println("Creating the store and generating keys ...");
            SottoAccount created;
            try (SqliteAccountStore store = SqliteAccountStore.create(dir.resolve(Accounts.STORE), protection)) {
                created = SottoAccount.open(store, new SecureRandom(), Clock.systemUTC());
            } catch (IOException | StoreOpenException e) {
                throw new CliException(ExitCode.STORE, "cannot create the store in " + dir + ": " + e.getMessage(),
                        e);
            } finally {
                protection.wipe();
            }
            Accounts.writeSettings(dir, settings);
            try (Accounts.Opened opened = Accounts.open(common, entry);
                 Online online = Online.connect(common, opened, null, System.err)) {
                System.out.println("Added " + account + " (device " + created.device().deviceId() + ")");
                System.out.println("Fingerprint: " + created.fingerprint().displayForm());
                System.out.println("Store: " + dir.resolve(Accounts.STORE) + " (" + (noPassphrase
                        ? "key file " + dir.resolve(Accounts.KEY_FILE) : "passphrase") + ")");
            } catch (CliException e) {
                // The store stays: the keys are made; fix the password or server and run sotto status.
                throw new CliException(e.exitCode(), e.getMessage() + " (the account's store was created in " + dir
                        + "; once fixed, run sotto status to publish)", e.getCause());
            }
            return ExitCode.OK;
        }
    }
}
