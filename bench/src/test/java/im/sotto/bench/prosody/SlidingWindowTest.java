package im.sotto.bench.prosody;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The window the Prosody benchmark sends through, against a receiver on another thread. */
class SlidingWindowTest {
    private final ExecutorService receiver = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() throws InterruptedException {
        receiver.shutdownNow();
        assertTrue(receiver.awaitTermination(5, TimeUnit.SECONDS));
    }

    @Test
    void neverMoreThanTheWindowInFlightAndTheRoundEndsWithTheLastReceipt() throws Exception {
        SlidingWindow window = new SlidingWindow(4);
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger received = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        window.round(200, i -> {
            int inFlight = sent.incrementAndGet() - received.get();
            mostInFlight.accumulateAndGet(inFlight, Math::max);
            receiver.execute(() -> {
                sleepQuietly();
                received.incrementAndGet();
                window.delivered();
            });
        });
        assertEquals(200, received.get(), "the round returned before the receiver counted everything");
        assertTrue(mostInFlight.get() <= 4, "in flight: " + mostInFlight.get());
        assertEquals(4, mostInFlight.get(), "a slow receiver must let the window fill");
    }

    @Test
    void aWindowAsLargeAsTheRoundStreamsItWithoutWaiting() throws Exception {
        SlidingWindow window = new SlidingWindow(50);
        AtomicInteger received = new AtomicInteger();
        // Nothing is delivered until everything was sent: the sender must never wait for the receiver.
        window.round(50, i -> {
            if (i == 49) {
                receiver.execute(() -> {
                    for (int k = 0; k < 50; k++) {
                        received.incrementAndGet();
                        window.delivered();
                    }
                });
            }
        });
        assertEquals(50, received.get());
    }

    @Test
    void aReceiverThatCountsTooManyFailsTheRound() {
        SlidingWindow window = new SlidingWindow(8);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> window.round(10, i -> {
            window.delivered();
            window.delivered();
        }));
        assertTrue(e.getMessage().contains("counted"), e.getMessage());
    }

    @Test
    void aWindowOfNothingIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SlidingWindow(0));
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(0, 200_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
