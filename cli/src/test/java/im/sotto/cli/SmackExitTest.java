package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.junit.jupiter.api.Test;

/**
 * What the exit waits for: at exit HotSpot waits up to 300 ms for each thread inside native code. Smack's reactor
 * keeps a thread in {@code Selector.select()}; after {@link SmackExit#parkReactor} none of its threads may be there.
 */
class SmackExitTest {
    private static final String REACTOR_THREAD = "Smack DefaultReactor Thread";

    @Test
    void parkedReactorThreadsWaitInJavaNotInSelect() throws Exception {
        // Any connection object starts Smack's reactor (a static of the connection class), as a command's does.
        new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder().setXmppDomain("example.org")
                .setUsernameAndPassword("user", "password").build());
        Map<Thread, StackTraceElement[]> before = reactorThreads();
        assertEquals(2, before.size(), "Smack 4.4's reactor has two threads; SmackExit.REACTOR_THREADS says so");
        assertTrue(before.entrySet().stream().anyMatch(e -> inSelect(e.getValue())),
                "before parking one reactor thread waits in select(), in native code: " + describe(before));

        SmackExit.connectionMade();
        SmackExit.parkReactor();
        try {
            Map<Thread, StackTraceElement[]> parked = reactorThreads();
            assertFalse(parked.entrySet().stream().anyMatch(e -> inSelect(e.getValue())),
                    "after parking no reactor thread may be in select(): " + describe(parked));
            assertTrue(parked.keySet().stream().allMatch(t -> t.getState() == Thread.State.WAITING),
                    "every reactor thread waits in Java code: " + describe(parked));
        } finally {
            SmackExit.release();
        }
        Thread.sleep(100);
        assertTrue(reactorThreads().entrySet().stream().anyMatch(e -> inSelect(e.getValue())),
                "released, the reactor goes back to select() for later tests");
    }

    private static Map<Thread, StackTraceElement[]> reactorThreads() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().startsWith(REACTOR_THREAD))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static boolean inSelect(StackTraceElement[] stack) {
        return List.of(stack).stream().anyMatch(frame -> frame.getMethodName().equals("select"));
    }

    private static String describe(Map<Thread, StackTraceElement[]> threads) {
        return threads.entrySet().stream().map(e -> e.getKey().getName() + " " + e.getKey().getState() + " at "
                + (e.getValue().length > 0 ? e.getValue()[0] : "?")).collect(Collectors.joining("; "));
    }
}
