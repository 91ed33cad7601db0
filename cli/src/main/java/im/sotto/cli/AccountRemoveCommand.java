package im.sotto.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import im.sotto.xmpp.pep.BundlePublisher;
import im.sotto.xmpp.pep.DeviceId;
import im.sotto.xmpp.pep.PepException;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jxmpp.jid.EntityBareJid;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sotto account remove JID}: takes this device off the account's device list on the server (peers stop
 * encrypting to it) and deletes the account's directory: store, keys, message log, settings. Asks first.
 */
@Command(name = "remove", mixinStandardHelpOptions = true, description = {"Removes the account from this machine "
        + "after asking: logs in to take this device off the account's device list and delete its bundle (peers stop "
        + "encrypting to it; the account's other devices stay), then deletes its directory (store, keys, message log, "
        + "settings). Messages that only this device could read are lost.",
        "--local-only skips the server (when it is gone): peers then keep encrypting to a device that no longer "
        + "exists until they notice. --yes answers the question (scripts).",
        "Not while a listen or chat of the account runs (it works in the store this deletes): stop it first."})
final class AccountRemoveCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Parameters(paramLabel = "JID", description = "The account to remove, user@domain.")
    String jid;

    @Option(names = "--yes", description = "Do not ask: remove.")
    boolean yes;

    @Option(names = "--local-only", description = "Do not log in: delete the local store only.")
    boolean localOnly;

    @Override
    public Integer call() throws IOException {
        EntityBareJid account = Jids.account(jid);
        common.account = account.toString();
        Accounts.Entry entry = Accounts.choose(common);
        // Not handed to a running listen or chat: removing deletes the store it works in. Said before the passphrase
        // and the question, so that nobody answers them for nothing.
        if (HandOffClient.listening(entry.directory())) {
            throw new CliException(ExitCode.STORE, "a listen or chat of " + account + " is running and works in the "
                    + "store this would delete: stop it first (Ctrl-C in the listen's terminal, /quit in the chat), "
                    + "then run sotto account remove " + account + " again; nothing was removed");
        }
        long device;
        // Opening the store proves the passphrase and takes its lock: another process of the account keeps it.
        try (Accounts.Opened opened = Accounts.open(common, entry)) {
            device = opened.account.device().deviceId();
            if (!yes && !confirmed(account, device, entry.directory())) {
                System.err.println("Nothing removed.");
                return ExitCode.USAGE;
            }
            if (!localOnly) {
                List<DeviceId> left = withdraw(entry, DeviceId.of((int) device));
                System.out.println("Device " + device + " taken off the server's device list of " + account
                        + " (devices left: " + left + ")");
            }
        }
        deleteTree(entry.directory());
        System.out.println("Removed " + account + " from this machine (" + entry.directory() + " deleted)");
        return ExitCode.OK;
    }

    private static boolean confirmed(EntityBareJid account, long device, Path directory) throws IOException {
        System.err.println("This deletes " + directory + " (the keys of device " + device + ", its sessions and "
                + "message log) and takes the device off the server's device list. It cannot be undone.");
        System.err.print("Type the account's address (" + account + ") to remove it: ");
        System.err.flush();
        String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        return answer != null && answer.strip().equals(account.toString());
    }

    private List<DeviceId> withdraw(Accounts.Entry entry, DeviceId device) {
        Connector.Transport transport = Online.transport(common, entry);
        char[] password = Secrets.password(common, entry.jid().toString());
        XMPPTCPConnection connection;
        try {
            // No initial presence: the server keeps offline messages instead of handing them to a dying device.
            connection = Connector.connection(entry.jid(), password, "sotto-" + UUID.randomUUID().toString()
                    .substring(0, 8), transport, false);
        } finally {
            Arrays.fill(password, '\0');
        }
        Connector.connectAndLogin(connection, entry.jid(), transport);
        try {
            return new BundlePublisher(connection).withdraw(device);
        } catch (PepException e) {
            throw new CliException(ExitCode.CONNECTION, "cannot take device " + device + " off the server's device "
                    + "list: " + e.kind() + " (" + e.getMessage() + "); nothing was deleted (--local-only deletes "
                    + "the local store alone)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILED, "interrupted; nothing was deleted", e);
        } finally {
            connection.disconnect();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
