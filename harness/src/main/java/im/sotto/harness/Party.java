package im.sotto.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What one party (a user's device in a test or the demo) received: the stanzas delivered to it and the security
 * events reported, with bounded waits for both. A subclass connects the party and implements the binding's listener,
 * whose {@code onStanza} and {@code onEvent} it inherits from here. The waits report a timeout as an empty result, so
 * a test can turn it into a failed assertion and the demo into a failed check.
 *
 * @param <S> what is delivered (a decrypted stanza)
 * @param <E> what is reported (a security event)
 */
public class Party<S, E> {
    /** How often {@link #eventWithin} looks again: short against the waits (seconds), long enough not to spin. */
    private static final long RECHECK_MS = 20;

    /** Delivered stanzas not yet taken, in arrival order. */
    public final BlockingQueue<S> inbox = new LinkedBlockingQueue<>();
    /** Every event reported, in order; synchronize on it to iterate. */
    public final List<E> events = Collections.synchronizedList(new ArrayList<>());
    private final Duration wait;

    /** @param wait how long {@link #nextWithin} and {@link #eventWithin} wait before giving up */
    protected Party(Duration wait) {
        this.wait = wait;
    }

    public void onStanza(S stanza) {
        inbox.add(stanza);
    }

    public void onEvent(E event) {
        events.add(event);
    }

    /** Takes the next delivered stanza, waiting up to the party's wait; empty if none arrived. */
    public Optional<S> nextWithin() throws InterruptedException {
        return Optional.ofNullable(inbox.poll(wait.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** The first event of {@code type} matching {@code condition}, waiting up to the party's wait for one. */
    public <T extends E> Optional<T> eventWithin(Class<T> type, Predicate<T> condition) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (events) {
                for (E event : events) {
                    if (type.isInstance(event) && condition.test(type.cast(event))) {
                        return Optional.of(type.cast(event));
                    }
                }
            }
            Thread.sleep(RECHECK_MS);
        }
        return Optional.empty();
    }
}
