package im.sotto.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Keeps a store to one process: an exclusive OS lock on {@code <store>.lock}, held while the store is open and
 * released by the OS when the process dies, even by SIGKILL. The lock file is never deleted (deleting a lock file
 * races with a process about to lock it).
 */
final class ProcessLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private ProcessLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static Path pathFor(Path database) {
        return database.resolveSibling(database.getFileName() + ".lock");
    }

    static ProcessLock acquire(Path database) throws IOException, StoreOpenException {
        Path path = pathFor(database);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw inUse(database, "another process");
            }
            return new ProcessLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            channel.close();
            throw inUse(database, "this process (it is already open)");
        } catch (IOException | StoreOpenException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static StoreOpenException inUse(Path database, String holder) {
        return new StoreOpenException(StoreOpenException.Kind.IN_USE, "store " + database + " is in use by " + holder
                + "; a store can be open in one process at a time");
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // The OS releases the lock when the channel or the process goes; nothing more to do.
        }
    }
}
