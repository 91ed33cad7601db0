package im.sotto.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the outcome of every case, then asserts once: no failures, and exactly the expected number of cases ran
 * (a loop that silently runs nothing, or skips some, fails too).
 */
final class WycheproofTally {
    private final String name;
    private final Map<String, Integer> passed = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();
    private int executed;

    WycheproofTally(String name) {
        this.name = name;
    }

    /** The case behaved as required; {@code outcome} names how, for the summary line. */
    void pass(WycheproofVectors.Case c, String outcome) {
        executed++;
        passed.merge(outcome, 1, Integer::sum);
    }

    void fail(WycheproofVectors.Case c, String why) {
        executed++;
        failures.add(c.describe() + ": " + why);
    }

    int count(String outcome) {
        return passed.getOrDefault(outcome, 0);
    }

    /** Prints the summary line and asserts; {@code expectedCases} is the file's own numberOfTests. */
    void assertAllPassed(int expectedCases) {
        StringBuilder line = new StringBuilder("wycheproof " + name + ": " + executed + " cases");
        passed.forEach((outcome, n) -> line.append(", ").append(n).append(' ').append(outcome));
        line.append(", ").append(failures.size()).append(" failed");
        System.out.println(line);
        assertEquals(expectedCases, executed, "number of " + name + " cases executed");
        assertTrue(failures.isEmpty(), name + " failures:\n" + String.join("\n", failures));
    }
}
