package im.sotto.xmpp;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import im.sotto.protocol.session.AccountPreKeys;
import im.sotto.xmpp.pep.BundlePublisher;
import im.sotto.xmpp.pep.DeviceId;
import im.sotto.xmpp.pep.PepException;

import org.jivesoftware.smack.XMPPConnection;

/**
 * Keeps this device's prekeys fresh and published: maintains the vault (new signed and one-time prekeys as the core
 * decides) in one transaction, then publishes the bundle and device list when the server's copy differs. Called
 * from the manager's worker thread.
 */
final class BundleMaintenance {
    private final SottoAccount account;
    private final XMPPConnection connection;
    private final PeerDirectory directory;
    private final Consumer<SecurityEvent> events;
    /** The bundle the server was seen to serve since the last check; touched on the manager's worker thread only. */
    private byte[] confirmed;

    BundleMaintenance(SottoAccount account, XMPPConnection connection, PeerDirectory directory,
            Consumer<SecurityEvent> events) {
        this.account = account;
        this.connection = connection;
        this.directory = directory;
        this.events = events;
    }

    /**
     * Maintains the prekeys and makes sure the server serves this device's bundle and lists the device, publishing
     * only when its copy differs (a login, a used prekey); a failure becomes an event.
     */
    void publish() {
        try {
            confirmed = null;
            ensurePublishedOrThrow();
        } catch (PepException e) {
            events.accept(new SecurityEvent.PublishFailed(connection.getUser().asBareJid(),
                    e.kind() + ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Publishes the bundle and device list unconditionally (and repairs a node's access model on the way). */
    void publishOrThrow() throws PepException, InterruptedException {
        byte[] bundle = maintainedBundle();
        directory.publish(deviceId(), bundle);
        confirmed = bundle;
    }

    /**
     * As {@link #publish}, but throws the diagnosis; free when this bundle was confirmed on the server since the last
     * {@link #publish} (the login's check): the caller learns at no cost that peers can reach this device.
     */
    void ensurePublishedOrThrow() throws PepException, InterruptedException {
        byte[] bundle = maintainedBundle();
        if (confirmed != null && Arrays.equals(confirmed, bundle)) {
            return;
        }
        directory.publishIfChanged(deviceId(), bundle);
        confirmed = bundle;
    }

    /** {@link #ensurePublishedOrThrow}, its outcome told to {@code done} (the manager's future). */
    void ensurePublished(CompletableFuture<Void> done) {
        completeWith(done, this::ensurePublishedOrThrow);
    }

    /** {@link #publishOrThrow}, its outcome told to {@code done} (the manager's future). */
    void republish(CompletableFuture<Void> done) {
        completeWith(done, this::publishOrThrow);
    }

    private interface Publication {
        void run() throws PepException, InterruptedException;
    }

    private static void completeWith(CompletableFuture<Void> done, Publication publication) {
        try {
            publication.run();
            done.complete(null);
        } catch (Exception e) {
            done.completeExceptionally(e);
        }
    }

    /** The account's own-node reads {@link #publish} makes, to send ahead ({@code PepReadAhead.readAhead}). */
    java.util.List<org.jivesoftware.smack.packet.IQ> loginReads() {
        return connection.getUser() == null ? java.util.List.of()
                : BundlePublisher.loginReads(connection.getUser().asBareJid(), deviceId());
    }

    private DeviceId deviceId() {
        return DeviceId.of((int) account.device().deviceId());
    }

    private byte[] maintainedBundle() {
        return account.store().transact(stores -> AccountPreKeys.maintainedBundle(stores, account.identity(),
                account.random(), account.clock().instant()));
    }
}
