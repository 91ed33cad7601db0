package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SecurityEvent;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;

/** Measuring tools for the load tests: heap after collection, and a legitimate conversation's delivery times. */
final class LoadProbe {
    /**
     * A message between legitimate peers during a flood must arrive within this. Without load it takes about 10 ms
     * on loopback; a flood queues its stanzas on the same connection and worker, and the bound is loose on purpose
     * (a shared CI machine) while still far below the minutes a worker busy with key agreements would need.
     */
    static final Duration LEGITIMATE_LATENCY_BOUND = Duration.ofSeconds(5);

    private LoadProbe() {
    }

    /** Used heap after full collections (several, until it stops shrinking), in bytes. */
    static long heapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(40);
            long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (now >= used) {
                return now;
            }
            used = now;
        }
        return used;
    }

    /** How many of {@code party}'s events so far are of {@code type} and match. */
    static <E extends SecurityEvent> int count(SottoParty party, Class<E> type, java.util.function.Predicate<E> match) {
        synchronized (party.events) {
            return (int) party.events.stream().filter(type::isInstance).map(type::cast).filter(match).count();
        }
    }

    /**
     * Sends one chat message from {@code from} to {@code to}'s full JID and waits for it, returning the time it took;
     * fails if it does not arrive, arrives changed, or takes longer than {@link #LEGITIMATE_LATENCY_BOUND}.
     */
    static Duration exchange(SottoParty from, SottoParty to, String body) throws Exception {
        long start = System.nanoTime();
        Message message = StanzaBuilder.buildMessage().to(to.connection.getUser()).ofType(Message.Type.chat)
                .setBody(body).build();
        from.manager.send(message).get(LEGITIMATE_LATENCY_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        DecryptedStanza got = to.inbox.poll(LEGITIMATE_LATENCY_BOUND.toNanos() - (System.nanoTime() - start),
                TimeUnit.NANOSECONDS);
        assertTrue(got != null, "'" + body + "' did not arrive within " + LEGITIMATE_LATENCY_BOUND);
        assertEquals(body, ((Message) got.stanza()).getBody(), "the next stanza delivered");
        assertEquals(from.connection.getUser().asBareJid(), got.peer());
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
