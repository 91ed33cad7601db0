package im.sotto.xmpp;

import java.util.function.Consumer;

import im.sotto.xmpp.pep.DeviceId;
import im.sotto.xmpp.pep.PepException;

import org.jivesoftware.smack.XMPPConnection;

/**
 * Keeps this device's prekeys fresh and published: maintains the vault (new signed and one-time prekeys as the core
 * decides) in one transaction, then publishes the bundle and device list. Called from the manager's worker thread.
 */
final class BundleMaintenance {
    private final SottoAccount account;
    private final XMPPConnection connection;
    private final PeerDirectory directory;
    private final Consumer<SecurityEvent> events;

    BundleMaintenance(SottoAccount account, XMPPConnection connection, PeerDirectory directory,
            Consumer<SecurityEvent> events) {
        this.account = account;
        this.connection = connection;
        this.directory = directory;
        this.events = events;
    }

    /** Maintains the prekeys and publishes this device's bundle and device list; a failure becomes an event. */
    void publish() {
        try {
            publishOrThrow();
        } catch (PepException e) {
            events.accept(new SecurityEvent.PublishFailed(connection.getUser().asBareJid(),
                    e.kind() + ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void publishOrThrow() throws PepException, InterruptedException {
        byte[] bundle = account.store().transact(stores -> {
            var vault = SottoAccount.loadVault(stores);
            if (vault.maintain(account.identity(), account.random(), account.clock().instant())) {
                SottoAccount.storeVault(stores, vault);
            }
            return vault.bundle().encode();
        });
        directory.publish(DeviceId.of((int) account.device().deviceId()), bundle);
    }
}
