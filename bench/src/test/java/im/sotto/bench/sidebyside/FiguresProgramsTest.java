package im.sotto.bench.sidebyside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The programs bench/run.sh runs besides JMH, run once so they cannot rot (no figure is asserted but sanity). */
class FiguresProgramsTest {
    @Test
    void wireFiguresBuildEveryStanza() throws Exception {
        WireFigures w = new WireFigures();
        Map<String, Long> bytes = w.measure();
        bytes.forEach((k, v) -> assertTrue(v > 0, k));
        // A 200-byte payload cannot fit in fewer bytes than itself, base64 or not.
        assertTrue(bytes.get("Sotto ratchet message, 200-byte plaintext") > 200);
        Map<String, Integer> stanzas = w.stanzasToEstablish();
        stanzas.forEach((k, v) -> assertTrue(v >= 0, () -> k + " did not complete or carried no data"));
    }

    @Test
    void ratioTableReadsJmhJson(@TempDir Path dir) throws Exception {
        String prefix = SideBySideBenchmark.class.getName() + ".";
        String json = "[" + run(prefix + "oneWay_sotto", 100) + "," + run(prefix + "oneWay_signalJava", 40) + ","
                + run(prefix + "oneWay_libsignal", 20) + "," + run(prefix + "oneWay_floor", 1000) + "]";
        Path file = dir.resolve("r.json");
        Files.writeString(file, json);
        RatioTable t = new RatioTable(file, null);
        t.render();
        String row = String.join("\n", t.rendered()).lines().filter(l -> l.startsWith("| encrypt")).findFirst()
                .orElseThrow();
        assertTrue(row.contains("2.50×"), row);
        assertTrue(row.contains("| met |"), row);
        assertEquals(1, row.split("\\*\\*missed").length);
    }

    private static String run(String name, double score) {
        return "{\"benchmark\":\"" + name + "\",\"primaryMetric\":{\"score\":" + score + ",\"scoreError\":1.0,"
                + "\"scoreUnit\":\"ops/s\"},\"secondaryMetrics\":{\"gc.alloc.rate.norm\":{\"score\":100.0}}}";
    }
}
