package im.sotto.protocol.store;

/**
 * A counter that only grows, kept with the state it protects. The device publishes each new value; a store whose
 * value is below the last published one was restored from an old copy ({@link RestoreGuard}).
 */
public interface RestoreCounter {
    /** 0 for a new store. */
    long value();

    /** @throws IllegalArgumentException if {@code value} is below {@link #value()} */
    void advanceTo(long value);
}
