package im.sotto.cli;

import java.util.ArrayList;
import java.util.List;

import org.jline.utils.WCWidth;

/**
 * Wraps a line of {@code sotto chat} to the terminal's width at word boundaries, the continuation rows indented under
 * the start of the text (after the line's "time who: " prefix, or under its own indent), so a long message reads as
 * one block instead of being cut by the terminal mid-word at column 0.
 *
 * <p>Widths are terminal columns, not chars: an East Asian wide character or an emoji takes two, a combining mark
 * none. The line is wrapped as given: text a peer controls must already be escaped ({@link SafeText}), so nothing
 * here can end a row early. A continuation row never starts at column 0, where every real line starts: a peer's text
 * that wraps cannot pass for a line of its own (a forged time and trust tag would stand indented).
 */
final class LineWrap {
    /** The least indent of a continuation row: what sets it apart from a line of its own. */
    static final int MIN_INDENT = 2;
    /**
     * A prefix wider than this share of the row is not repeated as indent: a long sender address would leave too
     * little room for the text; its continuation rows take {@link #MIN_INDENT} instead.
     */
    private static final int MAX_INDENT_SHARE = 3;
    /** Where the text of a message line starts: after the first "who: ". */
    private static final String PREFIX_END = ": ";

    private LineWrap() {
    }

    /** {@code line} as rows of at most {@code width} columns; the line itself when it fits or the width is unknown. */
    static List<String> rows(String line, int width) {
        if (width <= MIN_INDENT + 1 || columns(line) <= width) {
            return List.of(line);
        }
        int indent = indent(line, width);
        List<String> rows = new ArrayList<>();
        String rest = line;
        String pad = "";
        while (columns(pad) + columns(rest) > width) {
            int room = width - columns(pad);
            int cut = cut(rest, room, width - indent);
            rows.add(pad + rest.substring(0, cut).stripTrailing());
            rest = rest.substring(cut).stripLeading();
            pad = " ".repeat(indent);
        }
        if (!rest.isEmpty()) {
            rows.add(pad + rest);
        }
        return rows;
    }

    /** The rows of {@link #rows} joined by line breaks, for one print above the prompt. */
    static String wrapped(String line, int width) {
        return String.join("\n", rows(line, width));
    }

    private static String firstWord(String text) {
        int end = text.indexOf(' ');
        return end < 0 ? text : text.substring(0, end);
    }

    /** Terminal columns {@code text} takes. */
    static int columns(String text) {
        int columns = 0;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            columns += Math.max(0, WCWidth.wcwidth(codePoint));
            i += Character.charCount(codePoint);
        }
        return columns;
    }

    /**
     * The indent of continuation rows: under the text of a "time who: text" line, else under the line's own leading
     * spaces; at least {@link #MIN_INDENT}, at most a third of the row.
     */
    private static int indent(String line, int width) {
        int leading = 0;
        while (leading < line.length() && line.charAt(leading) == ' ') {
            leading++;
        }
        int prefixEnd = line.indexOf(PREFIX_END);
        int under = prefixEnd < 0 ? leading : columns(line.substring(0, prefixEnd + PREFIX_END.length()));
        int indent = under <= width / MAX_INDENT_SHARE ? under : leading;
        return Math.min(Math.max(indent, MIN_INDENT), width / MAX_INDENT_SHARE);
    }

    /**
     * Where to end a row of at most {@code room} columns: after the last space that fits; or, when the word that does
     * not fit is wider than a whole continuation row ({@code fullRoom}) and would be cut anyway, after as many code
     * points as fit (never inside a surrogate pair); at least one code point.
     */
    private static int cut(String text, int room, int fullRoom) {
        int used = 0;
        int lastSpace = -1;
        boolean inText = false;   // spaces of a leading indent are no word boundary
        int i = 0;
        while (i < text.length()) {
            int codePoint = text.codePointAt(i);
            int width = Math.max(0, WCWidth.wcwidth(codePoint));
            if (used + width > room) {
                break;
            }
            if (codePoint == ' ' && inText) {
                lastSpace = i;
            }
            inText |= codePoint != ' ';
            used += width;
            i += Character.charCount(codePoint);
        }
        if (i >= text.length()) {
            return text.length();
        }
        if (text.charAt(i) == ' ' && inText) {
            return i;   // the row ends exactly at a word's end
        }
        if (lastSpace > 0 && columns(firstWord(text.substring(lastSpace + 1))) <= fullRoom) {
            return lastSpace;
        }
        return i == 0 ? Character.charCount(text.codePointAt(0)) : i;
    }
}
