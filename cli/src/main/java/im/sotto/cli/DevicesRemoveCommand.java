package im.sotto.cli;

import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.Callable;

import im.sotto.xmpp.AccountDevices;
import im.sotto.xmpp.pep.PepException;

import org.jivesoftware.smack.XMPPConnection;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code sotto devices remove ID}: revokes another device of this account (a lost laptop, an old phone). */
@Command(name = "remove", mixinStandardHelpOptions = true, description = {"Revokes a device of your own account: "
        + "publishes a revocation signed with the account key, and takes the device off the account's device list. "
        + "Contacts check it before their next message to you and encrypt nothing to that device again, even if the "
        + "server lists it later.", "A stolen device holds the account key too and could revoke your other devices: "
        + "if it was stolen, also make a new account key (see docs/threat-model.md)."})
final class DevicesRemoveCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Parameters(paramLabel = "ID", description = "The device id, as sotto devices (without a JID) shows it.")
    long device;

    @Override
    public Integer call() {
        Accounts.Entry entry = Accounts.choose(common);
        Optional<HandOff.Answer> fromListen = HandOffClient.change(entry.directory(),
                new HandOff.DevicesRemove(device));
        if (fromListen.isPresent()) { // a listen of the account holds the store: it revokes on its connection
            return HandOffClient.print(fromListen.get());
        }
        try (Accounts.Opened opened = Accounts.open(common, entry)) {
            check(opened, device);
            AccountDevices.Revoked revoked = OwnAccountConnection.run(common, entry, "publish the revocation of device "
                    + device, connection -> AccountDevices.revoke(opened.account, connection, device));
            print(opened, revoked, device, System.out, System.err);
        }
        return ExitCode.OK;
    }

    /** Revokes {@code device} on a running listen's connection. */
    static void revoke(Accounts.Opened opened, XMPPConnection connection, long device, PrintStream out,
            PrintStream err) {
        check(opened, device);
        try {
            print(opened, AccountDevices.revoke(opened.account, connection, device), device, out, err);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILED, "interrupted", e);
        } catch (PepException e) {
            throw new CliException(ExitCode.CONNECTION, "cannot publish the revocation of device " + device + ": "
                    + e.kind() + " (" + e.getMessage() + ")", e);
        }
    }

    private static void check(Accounts.Opened opened, long device) {
        if (device == opened.account.device().deviceId()) {
            throw new CliException(ExitCode.USAGE, "device " + device + " is this device; remove it from another "
                    + "device of the account, or run sotto account remove " + opened.entry.jid() + " here");
        }
        if (device < 1 || device > Integer.MAX_VALUE) {
            throw new CliException(ExitCode.USAGE, "a device id is 1.." + Integer.MAX_VALUE);
        }
    }

    private static void print(Accounts.Opened opened, AccountDevices.Revoked revoked, long device, PrintStream out,
            PrintStream err) {
        if (revoked.foreignDropped() > 0) {
            err.println("Warning: the published revocation list held " + revoked.foreignDropped()
                    + " statement(s) not signed by this account's key; they were dropped.");
        }
        out.println("Revoked device " + device + " of " + opened.entry.jid() + ": contacts encrypt nothing "
                + "to it from their next message on (devices left: " + revoked.left() + ")");
    }
}
