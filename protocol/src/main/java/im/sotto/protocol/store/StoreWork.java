package im.sotto.protocol.store;

/** One protocol operation against the stores: the body of a transaction. */
@FunctionalInterface
public interface StoreWork<T, E extends Exception> {
    T run(Stores stores) throws E;
}
