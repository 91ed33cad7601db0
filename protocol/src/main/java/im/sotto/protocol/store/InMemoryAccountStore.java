package im.sotto.protocol.store;

import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link AccountStore} in memory, with the same transactional semantics as the durable one: each transaction
 * works on a snapshot that replaces the state only when the work returns normally. For tests and for callers that
 * want no persistence.
 */
public final class InMemoryAccountStore implements AccountStore {
    private final ReentrantLock lock = new ReentrantLock();
    private MemoryState state = new MemoryState();
    private boolean closed;

    @Override
    public <T, E extends Exception> T transact(StoreWork<T, E> work) throws E {
        if (lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("nested transaction on the same store");
        }
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("store is closed");
            }
            MemoryState working = state.copy();
            MemoryStores view = new MemoryStores(working);
            boolean committed = false;
            try {
                T result = work.run(view);
                state = working;
                committed = true;
                return result;
            } finally {
                view.end();
                if (!committed) {
                    working.abandon();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "InMemoryAccountStore[content redacted]";
    }
}
