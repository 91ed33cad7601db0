package im.sotto.cli;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

import im.sotto.xmpp.SottoAccount;
import im.sotto.xmpp.pep.DeviceId;

import org.jxmpp.jid.EntityBareJid;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sotto account add JID}; {@code list} and {@code remove} are in their own files. */
@Command(name = "account", mixinStandardHelpOptions = true, description = "Manage accounts on this machine.",
        subcommands = {AccountCommand.Add.class, AccountLinkCommand.class, AccountListCommand.class,
                AccountRemoveCommand.class})
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

        @Option(names = "--new-account-key", description = "Make a new account key even though the server lists "
                + "Sotto devices of this account (under another key). Every contact then sees a key change and must "
                + "verify again; to add a device to the account instead, use sotto account link JID.")
        boolean newAccountKey;

        @Override
        public Integer call() throws Exception {
            EntityBareJid account = Jids.account(jid);
            NewAccountHome home = NewAccountHome.prepare(common, account, noPassphrase);
            char[] password = Secrets.password(common, account.toString());
            try {
                // Without --new-account-key a listed device refuses it before anything changes; with it the old
                // key's list is replaced.
                refuseAnotherAccountKey(account, ServerDevices.listed(account, password, home.transport,
                        newAccountKey));
                SottoAccount created = home.create(common, store -> SottoAccount.open(store, new SecureRandom(),
                        Clock.systemUTC()));
                home.publish(common, password, () -> {
                    System.out.println("Added " + account + " (device " + created.device().deviceId() + ")");
                    System.out.println("Fingerprint: " + created.fingerprint().displayForm());
                    System.out.println("Store: " + home.storeDescription());
                });
            } finally {
                Arrays.fill(password, '\0');
            }
            return ExitCode.OK;
        }

        private void refuseAnotherAccountKey(EntityBareJid account, List<DeviceId> listed) {
            if (listed.isEmpty()) {
                return;
            }
            String devices = listed.size() + " Sotto device" + (listed.size() == 1 ? "" : "s") + " " + listed;
            if (!newAccountKey) {
                throw new CliException(ExitCode.OTHER_ACCOUNT_KEY, "the server already lists " + devices + " of "
                        + account + " under another account key; to use the account on this device too, run sotto "
                        + "account link " + account + " and approve it on one of them (sotto devices approve CODE). "
                        + "Nothing was created. To replace the account key instead, add --new-account-key: every "
                        + "contact will see a key change.");
            }
            System.err.println("Warning: --new-account-key: the server lists " + devices + " of " + account
                    + " under another account key. This device gets a NEW account key: every contact will see a key "
                    + "change and must verify you again. The old key's devices are taken off the account's device "
                    + "list; link them again (sotto account link) to keep using them.");
        }
    }
}
