package im.sotto.bench.sidebyside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    void memoryFiguresMeasureEverySideAndTheTableShowsThem(@TempDir Path dir) throws Exception {
        StringBuilder tsv = new StringBuilder();
        for (SessionMemoryFigures.Side side : SessionMemoryFigures.sides()) {
            Map<String, Long> figures = SessionMemoryFigures.measure(side, 200);
            long record = figures.get(side.name() + " record bytes");
            // A used Double Ratchet session holds at least a root key, chain keys and a ratchet key pair.
            assertTrue(record > 100, side.name() + ": " + figures);
            // Kept as a record, a session costs its bytes plus an array header, never less than the bytes.
            assertTrue(figures.get(side.name() + " heap per session at rest") >= record * 9 / 10,
                    side.name() + ": " + figures);
            figures.forEach((k, v) -> tsv.append("memory\t").append(k).append('\t').append(v).append('\n'));
        }
        Path json = dir.resolve("r.json");
        Files.writeString(json, "[]");
        Path wire = dir.resolve("w.tsv");
        Files.writeString(wire, tsv.toString());
        RatioTable t = new RatioTable(json, wire);
        t.render();
        String row = t.rendered().stream().filter(l -> l.startsWith("| session record after")).findFirst()
                .orElseThrow();
        assertTrue(row.contains("× libsignal-client") && row.contains("× signal-protocol-java"), row);
    }

    @Test
    void cpuTimePerOperationMeasuresEveryOperationOfBothFigures() throws Exception {
        for (String figure : List.of("offline", "oneway")) {
            Map<String, double[]> cpu = CpuTimePerOperation.measure(CpuTimePerOperation.operations(figure), 0, 2,
                    1_000_000L);
            assertTrue(cpu.size() >= 3, figure + ": " + cpu.keySet());
            // Every operation ran at least once per round and used some CPU; no speed is asserted.
            cpu.forEach((name, rounds) -> assertTrue(rounds.length == 2 && rounds[0] > 0, name));
        }
    }

    @Test
    void ratioTableReadsJmhJson(@TempDir Path dir) throws Exception {
        String prefix = SideBySideBenchmark.class.getName() + ".";
        String json = "[" + run(prefix + "oneWay_sotto", 100) + "," + run(prefix + "oneWay_signalJava", 40) + ","
                + run(prefix + "oneWay_libsignal", 20) + "," + run(prefix + "oneWay_floor", 120) + "]";
        Path file = dir.resolve("r.json");
        Files.writeString(file, json);
        RatioTable t = new RatioTable(file, null);
        t.render();
        String row = String.join("\n", t.rendered()).lines().filter(l -> l.startsWith("| encrypt")).findFirst()
                .orElseThrow();
        assertTrue(row.contains("5.00×") && row.contains("2.50×") && row.contains("1.20× the floor's time"), row);
        assertTrue(row.contains("| met<br>met<br>met |"), row);
        assertEquals(1, row.split("\\*\\*missed").length);
        Files.writeString(file, json.replace(run(prefix + "oneWay_floor", 120), run(prefix + "oneWay_floor", 140)));
        RatioTable slower = new RatioTable(file, null);
        slower.render();
        assertTrue(String.join("\n", slower.rendered()).contains("| met<br>met<br>**missed** |"),
                "1.4x the floor's time misses the 1.3x goal");
    }

    @Test
    void ratioTableShowsTheProsodyHeadlineAndSweep(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        Files.writeString(json, "[]");
        Path wire = dir.resolve("w.tsv");
        Files.writeString(wire, String.join("\n",
                "prosody\tclient TCP_NODELAY\ttrue",
                "prosody\tserver TCP_NODELAY\ttrue",
                "prosody-sweep\t200\tall\tplaintext\t8000\t1.20\t0.50\t0.10\t100\t60\t1.00\t7900 8000 8100",
                "prosody-sweep\t200\tall\tSotto\t6800\t1.40\t0.50\t0.05\t150\t70\t1.02\t6700 6800 6900",
                "prosody-threads\tSotto\tsotto-#\t80.0",
                "prosody\tplaintext msg/s (200 B, window all, median of 3 rounds of 1000)\t8000",
                "prosody\tSotto msg/s (200 B, window all, median of 3 rounds of 1000)\t6800",
                "prosody\tSotto / plaintext\t0.850",
                "prosody\tCPU per message, plaintext / Sotto\t0.820", ""));
        RatioTable t = new RatioTable(json, wire);
        t.render();
        List<String> lines = t.rendered();
        String row = lines.stream().filter(l -> l.startsWith("| through Prosody")).findFirst().orElseThrow();
        assertTrue(row.contains("200 B, window all") && row.contains("TCP_NODELAY on both sides"), row);
        assertTrue(row.contains("85 % of plaintext<br>CPU per message: 82 %") && row.endsWith("| met |"), row);
        String sweep = lines.stream().filter(l -> l.startsWith("| 200 B | all |")).findFirst().orElseThrow();
        assertTrue(sweep.contains("| 8,000 | 6,800 | 85 % | 100 / 150 | 60 / 70 | 73 % |"), sweep);
        assertTrue(lines.contains("| Sotto | sotto-# 80.0 |"), String.join("\n", lines));
    }

    @Test
    void ejabberdFiguresGetARowOfTheirOwn(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        Files.writeString(json, "[]");
        Path wire = dir.resolve("w.tsv");
        Files.writeString(wire, String.join("\n",
                "ejabberd\tplaintext msg/s (200 B, window all)\t4000",
                "ejabberd\tSotto msg/s (200 B, window all)\t2000",
                "ejabberd\tSotto / plaintext\t0.500",
                "ejabberd\tCPU per message, plaintext / Sotto\t0.400", ""));
        RatioTable t = new RatioTable(json, wire);
        t.render();
        List<String> lines = t.rendered();
        String row = lines.stream().filter(l -> l.startsWith("| through ejabberd")).findFirst().orElseThrow();
        assertTrue(row.contains("| 2,000 | plaintext: 4,000 |") && row.endsWith("| **missed** |"), row);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("| through Prosody") && l.contains("not measured")),
                String.join("\n", lines));
        java.util.Properties props = new java.util.Properties();
        props.setProperty("EJABBERD_PORT", "5333");
        props.setProperty("PROSODY_PORT", "5222");
        assertEquals("5333", im.sotto.bench.prosody.ProsodyThroughput.asProsody(props, "ejabberd")
                .getProperty("PROSODY_PORT"));
    }

    /** Rates measured while other processes took the cores are not enough: the CPU per message must agree. */
    @Test
    void theProsodyGoalNeedsTheCpuPerMessageToo(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        Files.writeString(json, "[]");
        Path wire = dir.resolve("w.tsv");
        Files.writeString(wire, String.join("\n",
                "prosody\tplaintext msg/s (200 B, window all)\t5914",
                "prosody\tSotto msg/s (200 B, window all)\t5000",
                "prosody\tSotto / plaintext\t0.845",
                "prosody\tCPU per message, plaintext / Sotto\t0.235", ""));
        RatioTable t = new RatioTable(json, wire);
        t.render();
        String row = t.rendered().stream().filter(l -> l.startsWith("| through Prosody")).findFirst().orElseThrow();
        assertTrue(row.contains("CPU per message: 24 %") && row.endsWith("| **missed** |"), row);
    }

    private static String run(String name, double score) {
        return "{\"benchmark\":\"" + name + "\",\"primaryMetric\":{\"score\":" + score + ",\"scoreError\":1.0,"
                + "\"scoreUnit\":\"ops/s\"},\"secondaryMetrics\":{\"gc.alloc.rate.norm\":{\"score\":100.0}}}";
    }
}
