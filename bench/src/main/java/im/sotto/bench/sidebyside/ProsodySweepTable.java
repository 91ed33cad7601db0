package im.sotto.bench.sidebyside;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Prosody sweep under the ratio table: per body size and window, both kinds' rates, their ratio, and where the
 * CPU went (client JVM and server, µs per message; cores busy with client, server and anything else), from the
 * {@code prosody-sweep} and {@code prosody-threads} lines {@code ProsodyThroughput} prints.
 */
final class ProsodySweepTable {
    private ProsodySweepTable() {
    }

    /** {@code sweep}: the fields after {@code prosody-sweep}; {@code threads}: those after {@code prosody-threads}. */
    static List<String> render(List<String[]> sweep, List<String[]> threads) {
        List<String> out = new ArrayList<>();
        if (sweep.isEmpty()) {
            return out;
        }
        Map<String, String[]> plain = new LinkedHashMap<>();
        Map<String, String[]> sotto = new LinkedHashMap<>();
        for (String[] f : sweep) {
            (f[2].equals("plaintext") ? plain : sotto).put(f[0] + " " + f[1], f);
        }
        out.add("Through Prosody by body size and window (median round of each; client = this JVM, both clients; "
                + "cores busy: client + server + everything else on the machine):");
        out.add("");
        out.add("| body | window | plaintext msg/s | Sotto msg/s | Sotto / plaintext | client µs/msg (plain / Sotto) "
                + "| server µs/msg (plain / Sotto) | CPU per msg, plain / Sotto | cores busy, plain | cores busy, Sotto "
                + "| stanzas in per msg (plain / Sotto) |");
        out.add("|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|");
        for (Map.Entry<String, String[]> e : plain.entrySet()) {
            String[] p = e.getValue();
            String[] s = sotto.get(e.getKey());
            if (s == null) {
                continue;
            }
            double ratio = Double.parseDouble(s[3]) / Double.parseDouble(p[3]);
            out.add("| " + p[0] + " B | " + p[1] + " | " + num(p[3]) + " | " + num(s[3]) + " | "
                    + String.format(Locale.ROOT, "%.0f %%", 100 * ratio) + " | " + num(p[7]) + " / " + num(s[7])
                    + " | " + num(p[8]) + " / " + num(s[8]) + " | " + cpuRatio(p, s) + " | " + cores(p) + " | "
                    + cores(s) + " | " + p[9]
                    + " / " + s[9] + " |");
        }
        out.add("");
        if (!threads.isEmpty()) {
            out.add("Client CPU by thread at the headline point, µs per message (JIT = the compiler's threads):");
            out.add("");
            out.add("| kind | threads: µs per message |");
            out.add("|---|---|");
            Map<String, List<String>> byKind = new LinkedHashMap<>();
            for (String[] t : threads) {
                byKind.computeIfAbsent(t[0], k -> new ArrayList<>()).add(t[1] + " " + t[2]);
            }
            byKind.forEach((kind, list) -> out.add("| " + kind + " | " + String.join(", ", list) + " |"));
            out.add("");
        }
        return out;
    }

    /** (client + server µs per message) of plaintext over Sotto's: the rate ratio on cores of their own. */
    private static String cpuRatio(String[] p, String[] s) {
        double plain = Double.parseDouble(p[7]) + nanToZero(p[8]);
        double sotto = Double.parseDouble(s[7]) + nanToZero(s[8]);
        return String.format(Locale.ROOT, "%.0f %%", 100 * plain / sotto);
    }

    private static double nanToZero(String v) {
        double d = Double.parseDouble(v);
        return Double.isNaN(d) ? 0 : d;
    }

    private static String cores(String[] f) {
        return f[4] + " + " + f[5] + " + " + f[6];
    }

    private static String num(String s) {
        try {
            return String.format(Locale.ROOT, "%,.0f", Double.parseDouble(s));
        } catch (NumberFormatException e) {
            return s;
        }
    }
}
