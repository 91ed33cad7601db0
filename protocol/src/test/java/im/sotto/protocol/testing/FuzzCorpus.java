package im.sotto.protocol.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The committed seed corpus of the Jazzer fuzz tests (docs/reliability.md, "Fuzzing"). Jazzer's regression mode
 * runs every file in {@code src/test/resources/<package>/<FuzzTest>Inputs/<method>/}; this class writes there the
 * valid inputs each fuzz test names (made by the real code from a fixed seed) together with truncations, one-byte
 * extensions and bit flips of each, so that every build exercises both the accepting and the rejecting paths.
 *
 * <p>Valid seeds are named {@code valid-*}; each fuzz test's {@code seedCorpusIsCurrent} test checks that the
 * committed ones still match what the code produces, and rewrites the whole corpus when run with
 * {@code -Dsotto.fuzz.writeSeeds=true}. Files whose names start with {@code regression-} are crashing inputs found
 * while fuzzing; they are never rewritten.
 */
public final class FuzzCorpus {
    /** The system property that makes a {@code seedCorpusIsCurrent} test rewrite the corpus instead of checking it. */
    public static final String WRITE_PROPERTY = "sotto.fuzz.writeSeeds";
    /** Bit flips per valid seed: enough to hit headers, lengths and tags, few enough to keep regression mode fast. */
    private static final int FLIPS_PER_SEED = 6;
    private static final String VALID = "valid-";
    private static final String REGRESSION = "regression-";

    private FuzzCorpus() {}

    /** Jazzer's inputs directory for one fuzz test method, relative to the module directory (surefire's cwd). */
    public static Path inputsDirectory(Class<?> fuzzTest, String method) {
        return Path.of("src", "test", "resources").resolve(fuzzTest.getPackageName().replace('.', '/'))
                .resolve(fuzzTest.getSimpleName() + "Inputs").resolve(method);
    }

    /** The valid seeds and, for each, its truncations, a one-byte extension and bit flips (from a fixed seed). */
    public static Map<String, byte[]> withMutations(Map<String, byte[]> valid) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        Random random = new Random(0x5077_0F22L);
        for (Map.Entry<String, byte[]> e : valid.entrySet()) {
            String name = e.getKey();
            byte[] v = e.getValue();
            out.put(VALID + name, v);
            int[] cuts = {0, 1, v.length / 2, v.length - 1};
            for (int cut : cuts) {
                if (cut >= 0 && cut < v.length) {
                    out.put("trunc-" + name + "-" + cut, Arrays.copyOf(v, cut));
                }
            }
            byte[] longer = Arrays.copyOf(v, v.length + 1);
            longer[v.length] = 0x2a;
            out.put("extra-" + name, longer);
            for (int i = 0; i < FLIPS_PER_SEED && v.length > 0; i++) {
                // The first flips hit the first and last bytes (version, type, tag); the rest fall anywhere.
                int position = i == 0 ? 0 : i == 1 ? v.length - 1 : random.nextInt(v.length);
                int bit = random.nextInt(8);
                byte[] flipped = v.clone();
                flipped[position] ^= (byte) (1 << bit);
                out.put("flip-" + name + "-" + position + "." + bit, flipped);
            }
        }
        return out;
    }

    /** Replaces the generated files of one inputs directory (keeping {@code regression-*} files). */
    public static void write(Class<?> fuzzTest, String method, Map<String, byte[]> valid) {
        Path dir = inputsDirectory(fuzzTest, method);
        try {
            Files.createDirectories(dir);
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (!f.getFileName().toString().startsWith(REGRESSION)) {
                        Files.delete(f);
                    }
                }
            }
            for (Map.Entry<String, byte[]> e : withMutations(valid).entrySet()) {
                Files.write(dir.resolve(e.getKey()), e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Differences between the committed valid seeds of one fuzz test method and {@code valid}: missing or changed
     * files. Empty when the corpus is current.
     */
    public static List<String> staleSeeds(Class<?> fuzzTest, String method, Map<String, byte[]> valid) {
        Path dir = inputsDirectory(fuzzTest, method);
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : valid.entrySet()) {
            Path f = dir.resolve(VALID + e.getKey());
            try {
                if (!Files.exists(f)) {
                    stale.add(f + " is missing");
                } else if (!Arrays.equals(Files.readAllBytes(f), e.getValue())) {
                    stale.add(f + " differs from what the code now produces");
                }
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return stale;
    }

    /**
     * Writes (with {@value #WRITE_PROPERTY}) or checks the seeds of every method of one fuzz test; returns the
     * stale entries (always empty after writing).
     */
    public static List<String> writeOrCheck(Class<?> fuzzTest, Map<String, Map<String, byte[]>> seedsByMethod) {
        boolean write = Boolean.getBoolean(WRITE_PROPERTY);
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, Map<String, byte[]>> e : seedsByMethod.entrySet()) {
            if (write) {
                write(fuzzTest, e.getKey(), e.getValue());
            } else {
                stale.addAll(staleSeeds(fuzzTest, e.getKey(), e.getValue()));
            }
        }
        return stale;
    }

    /** The message a stale-corpus assertion gives: what is stale and the command that regenerates it. */
    public static String staleMessage(String module, List<String> stale) {
        return "the fuzz seed corpus is out of date (the wire format changed?); regenerate it with\n  mvn -o -q -pl "
                + module + " -am test '-Dtest=*FuzzTest#seedCorpusIsCurrent' -Dsurefire.failIfNoSpecifiedTests=false -D"
                + WRITE_PROPERTY + "=true\nand commit src/test/resources. Stale:\n  " + String.join("\n  ", stale);
    }

    /** Writes or checks one fuzz test's seeds and fails with {@link #staleMessage} when they are out of date. */
    public static void assertCurrent(String module, Class<?> fuzzTest, Map<String, Map<String, byte[]>> seeds) {
        List<String> stale = writeOrCheck(fuzzTest, seeds);
        if (!stale.isEmpty()) {
            throw new AssertionError(staleMessage(module, stale));
        }
    }

    /** A fuzz input's first byte picks one of {@code count} scenarios; the rest is the message. */
    public static int scenario(byte[] data, int count) {
        return data.length == 0 ? 0 : Byte.toUnsignedInt(data[0]) % count;
    }

    /** The message part of a scenario-prefixed fuzz input. */
    public static byte[] body(byte[] data) {
        return data.length == 0 ? data : Arrays.copyOfRange(data, 1, data.length);
    }

    /** A scenario-prefixed seed. */
    public static byte[] prefixed(int scenario, byte[] message) {
        byte[] out = new byte[message.length + 1];
        out[0] = (byte) scenario;
        System.arraycopy(message, 0, out, 1, message.length);
        return out;
    }
}
