package im.sotto.cli;

import java.util.concurrent.Callable;

import im.sotto.xmpp.AccountDevices;

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
        try (Accounts.Opened opened = Accounts.open(common, entry)) {
            if (device == opened.account.device().deviceId()) {
                throw new CliException(ExitCode.USAGE, "device " + device + " is this device; remove it from another "
                        + "device of the account, or run sotto account remove " + entry.jid() + " here");
            }
            if (device < 1 || device > Integer.MAX_VALUE) {
                throw new CliException(ExitCode.USAGE, "a device id is 1.." + Integer.MAX_VALUE);
            }
            AccountDevices.Revoked revoked = OwnAccountConnection.run(common, entry, "publish the revocation of device "
                    + device, connection -> AccountDevices.revoke(opened.account, connection, device));
            if (revoked.foreignDropped() > 0) {
                System.err.println("Warning: the published revocation list held " + revoked.foreignDropped()
                        + " statement(s) not signed by this account's key; they were dropped.");
            }
            System.out.println("Revoked device " + device + " of " + entry.jid() + ": contacts encrypt nothing "
                    + "to it from their next message on (devices left: " + revoked.left() + ")");
        }
        return ExitCode.OK;
    }
}
