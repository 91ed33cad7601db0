package im.sotto.cli.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** What the demo did and found, step by step: printed side by side for people, or as JSON for machines. */
final class DemoReport {
    static final int WIDTH = 110;
    private static final int LEFT = 44;

    record Check(String name, boolean passed, String detail) {
    }

    static final class Step {
        final int number;
        final String title;
        final String reader;
        final List<String> read = new ArrayList<>();
        String serverLabel = "the server saw";
        final List<String> serverSaw = new ArrayList<>();
        final List<Check> checks = new ArrayList<>();
        long millis;
        int stanzas;
        int bytesToServer;
        int bytesFromServer;
        Integer storedBytes;

        Step(int number, String title, String reader) {
            this.number = number;
            this.title = title;
            this.reader = reader;
        }

        void check(String name, boolean passed, String detail) {
            checks.add(new Check(name, passed, detail));
        }

        boolean passed() {
            return !checks.isEmpty() && checks.stream().allMatch(Check::passed);
        }
    }

    String server = "";
    boolean privateServer;
    boolean tls;
    String aliceSas;
    String bobSas;
    final List<Step> steps = new ArrayList<>();
    long totalMillis;
    String error;

    boolean passed() {
        return error == null && !steps.isEmpty() && steps.stream().allMatch(Step::passed);
    }

    String toText() {
        StringBuilder out = new StringBuilder();
        out.append("Sotto demo: alice and bob on ").append(privateServer ? "a private Prosody at " : "the server ")
                .append(server).append(", every byte between them and the server recorded")
                .append(tls ? " (TLS on: the recording shows TLS records)" : "").append("\n");
        for (Step step : steps) {
            out.append("\n");
            String head = String.format(" %d. %s", step.number, step.title);
            String tail = String.format("%d stanza%s · %,d B to the server · %d ms   %s", step.stanzas,
                    step.stanzas == 1 ? "" : "s", step.bytesToServer, step.millis, step.passed() ? "PASS" : "FAIL");
            out.append(head).append(" ".repeat(Math.max(2, WIDTH - head.length() - tail.length()))).append(tail)
                    .append("\n");
            List<String> left = new ArrayList<>();
            left.add(step.reader + " read");
            for (String line : step.read) {
                left.addAll(wrap(line, LEFT - 6));
            }
            List<String> right = new ArrayList<>();
            right.add(step.serverLabel);
            right.addAll(step.serverSaw);
            int rows = Math.max(left.size(), right.size());
            for (int i = 0; i < rows; i++) {
                String l = i < left.size() ? cut(left.get(i), LEFT - 6) : "";
                String r = i < right.size() ? cut(right.get(i), WIDTH - LEFT - 3) : "";
                out.append("    ").append(l).append(" ".repeat(LEFT - 4 - l.length())).append("│ ").append(r)
                        .append("\n");
            }
            StringBuilder line = new StringBuilder("    ");
            for (Check check : step.checks) {
                String text = (check.passed() ? "✓ " : "✗ ") + check.name()
                        + (check.passed() || check.detail().isEmpty() ? "" : " (" + check.detail() + ")");
                if (line.length() > 4 && line.length() + text.length() + 3 > WIDTH) {
                    out.append(line).append("\n");
                    line = new StringBuilder("    ");
                }
                line.append(line.length() > 4 ? "   " : "").append(text);
            }
            out.append(line).append("\n");
        }
        out.append("\n");
        if (error != null) {
            out.append("The demo stopped: ").append(error).append("\n");
        }
        long checks = steps.stream().mapToLong(s -> s.checks.size()).sum();
        long failed = steps.stream().flatMap(s -> s.checks.stream()).filter(c -> !c.passed()).count();
        out.append(String.format("%s: %d of %d checks passed in %d steps, %.1f s. SAS: alice %s, bob %s%s%n",
                passed() ? "PASSED" : "FAILED", checks - failed, checks, steps.size(), totalMillis / 1000.0,
                aliceSas == null ? "-" : aliceSas, bobSas == null ? "-" : bobSas,
                aliceSas != null && aliceSas.equals(bobSas) ? " (equal)" : ""));
        return out.toString();
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        String rest = text;
        while (rest.length() > width) {
            int cut = rest.lastIndexOf(' ', width);
            if (cut <= width / 2) {
                cut = width;
            }
            lines.add(rest.substring(0, cut));
            rest = "  " + rest.substring(cut).strip();
        }
        lines.add(rest);
        return lines;
    }

    private static String cut(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "…";
    }

    String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("passed", passed());
        root.put("server", server);
        root.put("privateServer", privateServer);
        root.put("tls", tls);
        Map<String, Object> sas = new LinkedHashMap<>();
        sas.put("alice", aliceSas);
        sas.put("bob", bobSas);
        sas.put("equal", aliceSas != null && aliceSas.equals(bobSas));
        root.put("sas", sas);
        List<Object> list = new ArrayList<>();
        for (Step step : steps) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("number", step.number);
            s.put("title", step.title);
            s.put("passed", step.passed());
            s.put("millis", step.millis);
            s.put("stanzas", step.stanzas);
            s.put("bytesToServer", step.bytesToServer);
            s.put("bytesFromServer", step.bytesFromServer);
            if (step.storedBytes != null) {
                s.put("storedBytes", step.storedBytes);
            }
            s.put("reader", step.reader);
            s.put("read", step.read);
            s.put("serverSawLabel", step.serverLabel);
            s.put("serverSaw", step.serverSaw);
            List<Object> checks = new ArrayList<>();
            for (Check check : step.checks) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("name", check.name());
                c.put("passed", check.passed());
                c.put("detail", check.detail());
                checks.add(c);
            }
            s.put("checks", checks);
            list.add(s);
        }
        root.put("steps", list);
        root.put("totalMillis", totalMillis);
        root.put("error", error);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }
}
