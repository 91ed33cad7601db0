package im.sotto.cli;

/**
 * Makes text that a peer controls safe to print on a terminal line: it can neither end the line (and forge the next
 * one, trust tag included), nor move the cursor or recolour the screen (ESC and other control characters), nor
 * reorder what follows it on the line (Unicode bidirectional overrides and isolates). Such characters are shown as
 * visible escapes, and the backslash is doubled so that an escape cannot be faked either.
 */
final class SafeText {
    private SafeText() {}

    /** {@code value} with every line break, control and bidi-control character escaped; "null" for null. */
    static String of(Object value) {
        String s = String.valueOf(value);
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String escape = escape(c);
            if (escape == null) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            out.append(escape);
        }
        return out == null ? s : out.toString();
    }

    private static String escape(char c) {
        switch (c) {
            case '\\':
                return "\\\\";
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            default:
                return needsEscape(c) ? String.format("\\u%04X", (int) c) : null;
        }
    }

    /**
     * C0 and C1 controls and DEL; the line and paragraph separators; and the bidi marks, embeddings, overrides and
     * isolates (U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069), which reorder the text shown after them.
     */
    private static boolean needsEscape(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f)
                || c == '\u2028' || c == '\u2029'
                || c == '\u061c' || c == '\u200e' || c == '\u200f'
                || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069');
    }
}
