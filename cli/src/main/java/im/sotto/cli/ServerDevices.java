package im.sotto.cli;

import java.util.List;
import java.util.UUID;

import im.sotto.xmpp.pep.BundlePublisher;
import im.sotto.xmpp.pep.DeviceId;
import im.sotto.xmpp.pep.PepException;

import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jxmpp.jid.EntityBareJid;

/**
 * The Sotto devices the server lists for an account, read before {@code account add} makes a new account key. The
 * account key is not published (docs/protocol.md 7.4), so any listed device is one of another key than the one a new
 * home would make: adding would put two account keys into one device list (issue #19), which {@code account link}
 * avoids.
 */
final class ServerDevices {
    private ServerDevices() {
    }

    /** Logs in without presence (no offline message is taken) and reads the account's device list. */
    static List<DeviceId> listed(EntityBareJid account, char[] password, Connector.Transport transport) {
        return listed(account, password, transport, false);
    }

    /**
     * As above; with {@code replace} (a new account key) a non-empty list is also deleted, so that the new device
     * publishes a list of its own: the old key's devices cannot be verified under the new key, and a list naming
     * devices of two account keys would leave contacts encrypting to devices they must refuse.
     */
    static List<DeviceId> listed(EntityBareJid account, char[] password, Connector.Transport transport,
            boolean replace) {
        XMPPTCPConnection connection = Connector.connection(account, password, "sotto-check-"
                + UUID.randomUUID().toString().substring(0, 8), transport, false);
        Connector.connectAndLogin(connection, account, transport);
        try {
            List<DeviceId> listed = listed(connection, account);
            if (replace && !listed.isEmpty()) {
                try {
                    org.jivesoftware.smackx.pubsub.PubSubManager.getInstanceFor(connection, account)
                            .deleteNode(im.sotto.xmpp.pep.PepNodes.DEVICE_LIST);
                } catch (org.jivesoftware.smack.XMPPException | org.jivesoftware.smack.SmackException e) {
                    throw new CliException(ExitCode.CONNECTION, "cannot replace the account's device list on the "
                            + "server: " + e.getMessage() + ". Nothing was created.", e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CliException(ExitCode.FAILED, "interrupted", e);
                }
            }
            return listed;
        } finally {
            connection.disconnect();
        }
    }

    /** The account's device list, read on a connection that is logged in to it. */
    static List<DeviceId> listed(XMPPConnection connection, EntityBareJid account) {
        try {
            return new BundlePublisher(connection).fetchDeviceList(account);
        } catch (PepException e) {
            if (e.kind() == PepException.Kind.NOT_FOUND) {
                return List.of();
            }
            throw new CliException(ExitCode.CONNECTION, "cannot read the account's device list on the server ("
                    + e.getMessage() + "); the server needs PEP (XEP-0163)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILED, "interrupted", e);
        }
    }
}
