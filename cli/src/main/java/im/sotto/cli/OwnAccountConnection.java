package im.sotto.cli;

import java.util.Arrays;
import java.util.UUID;

import im.sotto.xmpp.pep.PepException;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;

/**
 * A short login to the user's own account for the device commands (remove, label, list): no initial presence, so
 * the server keeps offline messages for the account's real sessions, and no Sotto manager.
 */
final class OwnAccountConnection {
    /** What a device command does on the connection. */
    interface Work<T> {
        T run(XMPPTCPConnection connection) throws PepException, InterruptedException;
    }

    private OwnAccountConnection() {
    }

    static <T> T run(Common common, Accounts.Entry entry, String what, Work<T> work) {
        char[] password = Secrets.password(common, entry.jid().toString());
        try {
            return run(common, entry, password, what, work);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** As above with the XMPP password the command read already (the caller wipes it). */
    static <T> T run(Common common, Accounts.Entry entry, char[] password, String what, Work<T> work) {
        Connector.Transport transport = Online.transport(common, entry);
        XMPPTCPConnection connection = Connector.connection(entry.jid(), password, "sotto-devices-"
                + UUID.randomUUID().toString().substring(0, 8), transport, false);
        Connector.connectAndLogin(connection, entry.jid(), transport);
        try {
            return work.run(connection);
        } catch (PepException e) {
            throw new CliException(ExitCode.CONNECTION, "cannot " + what + ": " + e.kind() + " (" + e.getMessage()
                    + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILED, "interrupted", e);
        } finally {
            connection.disconnect();
        }
    }
}
