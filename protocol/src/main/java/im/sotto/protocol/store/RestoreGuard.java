package im.sotto.protocol.store;

import java.util.List;

/**
 * Detects a store restored from an old copy. Ratchet state must never go back in time: an old session record would
 * derive message keys (and nonces) that were already used. The device keeps a {@link RestoreCounter} in its store
 * and publishes every new value (the binding puts it in its published device data); a store whose counter is below
 * the last published value is stale.
 *
 * <p>Protocol: on start, fetch the last published value and call {@link #check} before any session is used; then
 * {@link #advance} and publish the result before sending. Both run inside the caller's transaction. A crash between
 * advancing and publishing leaves the store ahead of the published value, which is accepted.
 */
public final class RestoreGuard {
    private RestoreGuard() {}

    /** Advances the counter by one and returns the value the caller must publish next. */
    public static long advance(Stores stores) {
        RestoreCounter counter = stores.restoreCounter();
        long next = Math.addExact(counter.value(), 1);
        counter.advanceTo(next);
        return next;
    }

    /**
     * Compares the store's counter with the last value this device published. A stale store keeps its identity,
     * trust decisions, log and queue, and loses its sessions, prekeys and retained secrets; its counter is raised to
     * the published value, so checking again with the same value reports {@link RestoreCheck.Current}.
     */
    public static RestoreCheck check(Stores stores, long lastPublished) {
        if (lastPublished < 0) {
            throw new IllegalArgumentException("published counter must not be negative");
        }
        long local = stores.restoreCounter().value();
        if (local >= lastPublished) {
            return new RestoreCheck.Current(local);
        }
        int sessions = 0;
        for (SessionAddress a : stores.sessions().addresses()) {
            sessions += stores.sessions().delete(a) ? 1 : 0;
        }
        int preKeys = 0;
        for (PreKeyKind kind : PreKeyKind.values()) {
            List<Long> ids = stores.preKeys().ids(kind);
            for (long id : ids) {
                preKeys += stores.preKeys().remove(kind, id) ? 1 : 0;
            }
        }
        int retained = 0;
        for (SessionAddress a : stores.retainedSecrets().addresses()) {
            retained += stores.retainedSecrets().delete(a) ? 1 : 0;
        }
        stores.restoreCounter().advanceTo(lastPublished);
        return new RestoreCheck.RestoredFromBackup(local, lastPublished, sessions, preKeys, retained);
    }
}
