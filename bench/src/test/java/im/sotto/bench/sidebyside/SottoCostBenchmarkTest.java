package im.sotto.bench.sidebyside;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.junit.jupiter.api.Test;

/** Runs every method of the cost breakdown once or twice, directly, so it cannot rot. */
class SottoCostBenchmarkTest {
    @Test
    void everyPieceRuns() throws Exception {
        SottoCostBenchmark b = new SottoCostBenchmark();
        b.setUp();
        for (int i = 0; i < 2; i++) {
            assertNotNull(b.sessionFromRecord());
            assertNotNull(b.sessionToRecord());
            assertNotNull(b.x25519PublicFromPrivate());
            assertNotNull(b.storeTransaction());
            assertNotNull(b.vaultFromRecord());
            assertNotNull(b.hybridVaultFromRecord());
            assertNotNull(b.bundleParse());
            assertNotNull(b.vaultToRecord());
            // Both ways of computing a primitive give the same bytes: the comparison is like for like.
            assertArrayEquals(b.hmacAsTheCoreDoes(), b.hmacOnOneEngine());
            assertEquals(b.sealAsTheCoreDoes().length, b.sealOnOneEngine().length);
        }
    }
}
