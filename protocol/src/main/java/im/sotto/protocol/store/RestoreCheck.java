package im.sotto.protocol.store;

/** The outcome of {@link RestoreGuard#check}: one case per thing the caller must do. */
public sealed interface RestoreCheck permits RestoreCheck.Current, RestoreCheck.RestoredFromBackup {

    /** The store is at least as new as anything this device published; carry on. */
    record Current(long counter) implements RestoreCheck {}

    /**
     * The store is older than what this device last published: it was restored from a backup or copied back. The
     * identity, trust decisions, log and queue were kept; these sessions, prekeys and retained secrets were deleted
     * because their keys may already have been used. The caller must tell the user, publish fresh prekeys and a
     * new counter ({@link RestoreGuard#advance}), and start new sessions.
     */
    record RestoredFromBackup(long storeCounter, long publishedCounter, int sessionsDropped, int preKeysDropped,
            int retainedSecretsDropped) implements RestoreCheck {}
}
