package im.sotto.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class PartyTest {
    private sealed interface Event permits Joined, Left {
    }

    private record Joined(String who) implements Event {
    }

    private record Left(String who) implements Event {
    }

    private static final class Listener extends Party<String, Event> {
        Listener(Duration wait) {
            super(wait);
        }
    }

    @Test
    void nextTakesDeliveredStanzasInOrderAndIsEmptyWhenNoneArrives() throws Exception {
        Listener party = new Listener(Duration.ofMillis(200));
        party.onStanza("one");
        party.onStanza("two");
        assertEquals(Optional.of("one"), party.nextWithin());
        assertEquals(Optional.of("two"), party.nextWithin());
        long started = System.nanoTime();
        assertEquals(Optional.empty(), party.nextWithin());
        assertEquals(true, System.nanoTime() - started >= Duration.ofMillis(150).toNanos(), "it waited");
    }

    @Test
    void eventWithinWaitsForAMatchingEventOfTheType() throws Exception {
        Listener party = new Listener(Duration.ofSeconds(5));
        party.onEvent(new Joined("bob"));
        Thread later = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            party.onEvent(new Left("carol"));
            party.onEvent(new Left("bob"));
        });
        later.start();
        assertEquals(Optional.of(new Left("bob")), party.eventWithin(Left.class, e -> e.who().equals("bob")));
        later.join();
    }

    @Test
    void eventWithinIsEmptyWhenOnlyOtherEventsCame() throws Exception {
        Listener party = new Listener(Duration.ofMillis(100));
        party.onEvent(new Joined("bob"));
        party.onEvent(new Left("carol"));
        assertEquals(Optional.empty(), party.eventWithin(Left.class, e -> e.who().equals("bob")));
    }
}
