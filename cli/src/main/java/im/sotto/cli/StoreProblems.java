package im.sotto.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.util.Optional;

import im.sotto.protocol.store.StoreFailureException;

/**
 * Turns a failure of the account's store or home folder, wherever it surfaced, into one line that says what happened
 * and what to do ("store damaged", "disk full"), instead of "unexpected error: AEAD tag mismatch".
 */
final class StoreProblems {
    private StoreProblems() {}

    /** The user's explanation of {@code failure}, if it (or a cause) is a store or file-system failure. */
    static Optional<CliException> explain(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StoreFailureException store) {
                return Optional.of(new CliException(ExitCode.STORE, describe(store), failure));
            }
            if (t instanceof AccessDeniedException denied) {
                return Optional.of(new CliException(ExitCode.STORE, "cannot write " + denied.getFile()
                        + ": permission denied; check the permissions of the Sotto home (SOTTO_HOME, default "
                        + "~/.sotto)", failure));
            }
            if (t instanceof FileSystemException fs && fs.getReason() != null
                    && fs.getReason().toLowerCase(java.util.Locale.ROOT).contains("read-only")) {
                return Optional.of(new CliException(ExitCode.STORE, "cannot write " + fs.getFile() + ": the file "
                        + "system is read-only; use a writable Sotto home (SOTTO_HOME, default ~/.sotto)", failure));
            }
        }
        return Optional.empty();
    }

    private static String describe(StoreFailureException e) {
        switch (e.kind()) {
            case DAMAGED:
                return "store damaged: " + e.getMessage() + ". Nothing more was written. Restore the account's "
                        + "folder from a backup; without one, move it aside and add the account again (your contacts "
                        + "will see a new device)";
            case DISK_FULL:
                return "disk full: the store could not write (" + e.getMessage() + "); nothing of this command was "
                        + "kept. Free some space and run it again";
            case READ_ONLY:
                return "the store cannot be written (" + e.getMessage() + "); check the permissions of the Sotto "
                        + "home (SOTTO_HOME, default ~/.sotto)";
            default:
                return "the store failed: " + e.getMessage() + "; nothing of this command was kept";
        }
    }
}
