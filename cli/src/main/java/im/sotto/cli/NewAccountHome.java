package im.sotto.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import java.util.function.Function;

import im.sotto.protocol.store.AccountStore;
import im.sotto.store.Protection;
import im.sotto.store.SqliteAccountStore;
import im.sotto.store.StoreOpenException;
import im.sotto.xmpp.SottoAccount;

import org.jxmpp.jid.EntityBareJid;

/**
 * An account's directory in the home that {@code account add} and {@code account link} create: its settings (the
 * server options given now, remembered for later commands), its encrypted store and the identity in it.
 */
final class NewAccountHome {
    final EntityBareJid jid;
    final Path home;
    final Path dir;
    final Properties settings;
    final Accounts.Entry entry;
    final Connector.Transport transport;
    final boolean noPassphrase;

    private NewAccountHome(EntityBareJid jid, Path home, Properties settings, Connector.Transport transport,
            boolean noPassphrase) {
        this.jid = jid;
        this.home = home;
        this.dir = home.resolve(jid.toString());
        this.settings = settings;
        this.entry = new Accounts.Entry(jid, dir, settings);
        this.transport = transport;
        this.noPassphrase = noPassphrase;
    }

    /** Checks that the home has no store for {@code jid} and that the server options are usable; writes nothing. */
    static NewAccountHome prepare(Common common, EntityBareJid jid, boolean noPassphrase) {
        Path home = common.homeDirectory();
        Path dir = home.resolve(jid.toString());
        if (Files.exists(dir.resolve(Accounts.STORE))) {
            throw new CliException(ExitCode.USAGE, jid + " already exists in " + home + " (" + dir + "); to use it "
                    + "on a second device, run sotto account link " + jid + " there (in another --home)");
        }
        Properties settings = new Properties();
        settings.setProperty("jid", jid.toString());
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
        // Checked before anything is written: a bad --server, --insecure-loopback or --reveal fails here.
        Connector.Transport transport = Online.transport(common, new Accounts.Entry(jid, dir, settings));
        Online.revealPolicy(common, new Accounts.Entry(jid, dir, settings));
        return new NewAccountHome(jid, home, settings, transport, noPassphrase);
    }

    /** Creates the directory, the store (passphrase or key file) and, with {@code identity}, the keys in it. */
    SottoAccount create(Common common, Function<AccountStore, SottoAccount> identity) throws IOException {
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
            created = identity.apply(store);
        } catch (IOException | StoreOpenException e) {
            throw new CliException(ExitCode.STORE, "cannot create the store in " + dir + ": " + e.getMessage(), e);
        } finally {
            protection.wipe();
        }
        Accounts.writeSettings(dir, settings);
        return created;
    }

    /** Logs in once with the new store, which publishes this device's bundle; then {@code report} says what was done. */
    void publish(Common common, char[] password, Runnable report) {
        try (Accounts.Opened opened = Accounts.open(common, entry);
             Online online = Online.connect(common, opened, null, System.err, manager -> { }, password)) {
            report.run();
        } catch (CliException e) {
            // The store stays: the keys are made; fix the password or server and run sotto status.
            throw new CliException(e.exitCode(), e.getMessage() + " (the account's store was created in " + dir
                    + "; once fixed, run sotto status to publish)", e.getCause());
        }
    }

    String storeDescription() {
        return dir.resolve(Accounts.STORE) + " (" + (noPassphrase ? "key file " + dir.resolve(Accounts.KEY_FILE)
                : "passphrase") + ")";
    }
}
