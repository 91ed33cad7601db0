package im.sotto.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

import im.sotto.store.Protection;
import im.sotto.store.SqliteAccountStore;
import im.sotto.store.StoreOpenException;
import im.sotto.xmpp.SottoAccount;

import org.jxmpp.jid.EntityBareJid;

/**
 * Accounts on this machine: one directory per account under the home directory, holding the store
 * ({@code store.db}), its key file when the user chose no passphrase ({@code store.key}, owner-only), and
 * {@code account.properties} (the address, how the store is protected, and connection defaults; no secret).
 */
final class Accounts {
    static final String STORE = "store.db";
    static final String KEY_FILE = "store.key";
    static final String SETTINGS = "account.properties";

    private Accounts() {
    }

    /** An account's directory and settings. */
    record Entry(EntityBareJid jid, Path directory, Properties settings) {
        boolean passphrase() {
            return "passphrase".equals(settings.getProperty("protection"));
        }

        Path store() {
            return directory.resolve(STORE);
        }
    }

    static List<Entry> list(Path home) {
        List<Entry> entries = new ArrayList<>();
        if (!Files.isDirectory(home)) {
            return entries;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(home)) {
            for (Path dir : dirs) {
                if (Files.isRegularFile(dir.resolve(SETTINGS))) {
                    entries.add(read(dir));
                }
            }
        } catch (IOException e) {
            throw new CliException(ExitCode.STORE, "cannot list " + home + ": " + e.getMessage(), e);
        }
        entries.sort((a, b) -> a.jid().toString().compareTo(b.jid().toString()));
        return entries;
    }

    static Entry read(Path dir) {
        Properties settings = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(SETTINGS))) {
            settings.load(in);
        } catch (IOException e) {
            throw new CliException(ExitCode.STORE, "cannot read " + dir.resolve(SETTINGS) + ": " + e.getMessage(), e);
        }
        return new Entry(Jids.account(settings.getProperty("jid", "")), dir, settings);
    }

    /** The account a command works on: --account, $SOTTO_ACCOUNT, or the only one in the home directory. */
    static Entry choose(Common common) {
        Path home = common.homeDirectory();
        Optional<String> name = common.accountName();
        if (name.isPresent()) {
            EntityBareJid jid = Jids.account(name.get());
            Path dir = home.resolve(jid.toString());
            if (!Files.isRegularFile(dir.resolve(SETTINGS))) {
                throw new CliException(ExitCode.STORE, "no account " + jid + " in " + home + "; add it with: sotto "
                        + "account add " + jid);
            }
            return read(dir);
        }
        List<Entry> all = list(home);
        if (all.isEmpty()) {
            throw new CliException(ExitCode.STORE, "no account in " + home + "; add one with: sotto account add "
                    + "JID (or choose another --home)");
        }
        if (all.size() > 1) {
            throw new CliException(ExitCode.USAGE, all.size() + " accounts in " + home + "; choose one with "
                    + "--account JID");
        }
        return all.get(0);
    }

    static void writeSettings(Path dir, Properties settings) throws IOException {
        Path temporary = dir.resolve(SETTINGS + ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            settings.store(out, "Sotto account settings (no secrets here)");
        }
        Files.move(temporary, dir.resolve(SETTINGS), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** Opens the account's store (asking for the passphrase if it has one) and its Sotto identity. */
    static Opened open(Common common, Entry entry) {
        Protection protection = protection(common, entry, false);
        try {
            SqliteAccountStore store = SqliteAccountStore.open(entry.store(), protection);
            SottoAccount account = SottoAccount.open(store, new SecureRandom(), Clock.systemUTC());
            try {
                account.useExternalTrust(CertificationSettings.load(entry.directory(), entry.jid().toString(),
                        account.identity().publicKey()));
                DeviceSettings.apply(entry, account);
            } catch (CliException e) {
                store.close();
                throw e;
            }
            return new Opened(entry, store, account);
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCode.STORE, "the store of " + entry.jid() + " is missing (" + entry.store()
                    + "); add the account again with: sotto account add " + entry.jid(), e);
        } catch (StoreOpenException e) {
            if (e.kind() == StoreOpenException.Kind.IN_USE && HandOffClient.listening(entry.directory())) {
                throw new CliException(ExitCode.STORE, "the store of " + entry.jid() + " is in use by its running "
                        + "listen or chat, and this command is not one it can take over: stop it first (Ctrl-C in "
                        + "the listen's terminal, /quit in the chat), then run the command again; nothing was done",
                        e);
            }
            throw new CliException(ExitCode.STORE, "cannot open the store of " + entry.jid() + ": "
                    + describe(e) , e);
        } catch (IOException e) {
            throw new CliException(ExitCode.STORE, "cannot open the store of " + entry.jid() + ": " + e.getMessage(),
                    e);
        } finally {
            protection.wipe();
        }
    }

    static Protection protection(Common common, Entry entry, boolean confirm) {
        if (!entry.passphrase()) {
            return Protection.keyFile(entry.directory().resolve(KEY_FILE));
        }
        char[] passphrase = Secrets.passphrase(common, entry.jid().toString(), confirm);
        try {
            return Protection.passphrase(passphrase);
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }

    private static String describe(StoreOpenException e) {
        switch (e.kind()) {
            case WRONG_PASSPHRASE:
                return "wrong passphrase; check SOTTO_PASSPHRASE or --passphrase-file";
            case IN_USE:
                return "another sotto process is using it; one process per account at a time (stop the other, or "
                        + "use sotto chat for sending and reading together)";
            case WRONG_KEY_FILE:
            case KEY_FILE_INVALID:
                return "its key file " + KEY_FILE + " is wrong or readable by others (" + e.getMessage() + ")";
            case NEWER_SCHEMA:
                return "it was written by a newer Sotto; update this one";
            case DISK_FULL:
                return "disk full (" + e.getMessage() + "); free some space and run the command again";
            case READ_ONLY:
                return "it cannot be written (" + e.getMessage() + "); check the permissions of the Sotto home";
            case CORRUPT:
                return "store damaged: its key data is unreadable (" + e.getMessage() + "); restore the account's "
                        + "folder from a backup, or move it aside and add the account again";
            default:
                return e.kind() + ": " + e.getMessage();
        }
    }

    /** An account's open store and identity. */
    static final class Opened implements AutoCloseable {
        final Entry entry;
        final SqliteAccountStore store;
        final SottoAccount account;
        private final AtomicBoolean closed = new AtomicBoolean();

        Opened(Entry entry, SqliteAccountStore store, SottoAccount account) {
            this.entry = entry;
            this.store = store;
            this.account = account;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) { // by the command, or by a stop signal (StopSignals)
                store.close();
            }
        }
    }
}
