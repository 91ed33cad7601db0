package im.sotto.cli;

import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.Callable;

import im.sotto.xmpp.OwnDevices;
import im.sotto.xmpp.pep.PepException;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;

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

    @Parameters(paramLabel = "ID", description = "The device id, as sotto status or sotto devices YOUR-JID shows it.")
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
            Connector.Transport transport = Online.transport(common, entry);
            char[] password = Secrets.password(common, entry.jid().toString());
            XMPPTCPConnection connection;
            try {
                // No initial presence: the server keeps offline messages for the account's real sessions.
                connection = Connector.connection(entry.jid(), password, "sotto-revoke-"
                        + UUID.randomUUID().toString().substring(0, 8), transport, false);
            } finally {
                Arrays.fill(password, '\0');
            }
            Connector.connectAndLogin(connection, entry.jid(), transport);
            try {
                OwnDevices.Revoked revoked = OwnDevices.revoke(opened.account, connection, device);
                if (revoked.foreignDropped() > 0) {
                    System.err.println("Warning: the published revocation list held " + revoked.foreignDropped()
                            + " statement(s) not signed by this account's key; they were dropped.");
                }
                System.out.println("Revoked device " + device + " of " + entry.jid() + ": contacts encrypt nothing "
                        + "to it from their next message on (devices left: " + revoked.left() + ")");
            } catch (PepException e) {
                throw new CliException(ExitCode.CONNECTION, "cannot publish the revocation of device " + device
                        + ": " + e.kind() + " (" + e.getMessage() + ")", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCode.FAILED, "interrupted", e);
            } finally {
                connection.disconnect();
            }
        }
        return ExitCode.OK;
    }
}
