package im.sotto.cli.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns recorded XMPP bytes into a few readable lines: Sotto's stanzas, with long base64 runs abbreviated. */
final class WireText {
    private static final Pattern STANZA_START = Pattern.compile("<(message|presence|iq)[\\s>/]");
    private static final Pattern BASE64_RUN = Pattern.compile("[A-Za-z0-9+/]{24,}={0,2}");

    private WireText() {
    }

    /** The stanzas in {@code wire} (client-to-server bytes) that carry {@code marker}, in order. */
    static List<String> stanzas(String wire, String marker) {
        List<String> found = new ArrayList<>();
        Matcher start = STANZA_START.matcher(wire);
        int from = 0;
        while (start.find(from)) {
            String name = start.group(1);
            int end = endOf(wire, start.start(), name);
            if (end < 0) {
                break;
            }
            String stanza = wire.substring(start.start(), end);
            if (stanza.contains(marker)) {
                found.add(stanza);
            }
            from = end;
        }
        return found;
    }

    private static int endOf(String wire, int start, String name) {
        int close = wire.indexOf('>', start);
        if (close < 0) {
            return -1;
        }
        if (wire.charAt(close - 1) == '/') {
            return close + 1;
        }
        int end = wire.indexOf("</" + name + ">", close);
        return end < 0 ? -1 : end + name.length() + 3;
    }

    /** Long base64 runs become their first characters and their length: {@code hQF2k9ZrTa…[612 chars]}. */
    static String abbreviate(String text) {
        Matcher run = BASE64_RUN.matcher(text);
        StringBuilder out = new StringBuilder();
        while (run.find()) {
            String value = run.group();
            run.appendReplacement(out, Matcher.quoteReplacement(value.substring(0, 10) + "…[" + value.length()
                    + " chars]"));
        }
        run.appendTail(out);
        return out.toString();
    }

    /** One element per line, indented by depth, lines cut to {@code width}. */
    static List<String> lines(String xml, int width) {
        List<String> lines = new ArrayList<>();
        int depth = 0;
        for (String piece : xml.replace("><", ">\n<").split("\n")) {
            boolean closing = piece.startsWith("</");
            if (closing) {
                depth = Math.max(0, depth - 1);
            }
            String line = "  ".repeat(Math.min(depth, 4)) + piece;
            while (line.length() > width) {
                lines.add(line.substring(0, width - 1) + "↩");
                line = "  ".repeat(Math.min(depth, 4) + 1) + line.substring(width - 1);
            }
            lines.add(line);
            boolean opens = piece.startsWith("<") && !closing && !piece.endsWith("/>") && !piece.contains("</");
            if (opens) {
                depth++;
            }
        }
        return lines;
    }

    /** {@code text} cut to {@code width} characters, an ellipsis marking the cut ("" for null). */
    static String cut(String text, int width) {
        return text == null ? "" : text.length() <= width ? text : text.substring(0, width - 1) + "…";
    }
}
