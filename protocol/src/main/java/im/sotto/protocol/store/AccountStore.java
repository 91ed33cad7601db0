package im.sotto.protocol.store;

/**
 * All of one account's state. One protocol operation is one {@link #transact transaction}: every change it makes is
 * committed together when the work returns normally, and none is when it throws.
 */
public interface AccountStore extends AutoCloseable {
    /**
     * Runs {@code work} as one serializable transaction and commits its changes if and only if it returns normally.
     * Transactions on one store run one at a time, so a load-modify-store of a session cannot lose an update.
     *
     * @throws IllegalStateException when called from inside a transaction of the same store, or after close
     * @throws StoreFailureException when the store cannot read or commit (the work's changes are then not kept)
     */
    <T, E extends Exception> T transact(StoreWork<T, E> work) throws E;

    /** Releases the store; later transactions throw {@link IllegalStateException}. */
    @Override
    void close();
}
