package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Chat lines wrapped at word boundaries to the terminal's columns, continuation rows indented under the text. */
class LineWrapTest {
    private static final String PREFIX = "09:10:02 [UNVERIFIED] bob@example.org/sotto-1: ";

    @Test
    void aLineThatFitsOrAnUnknownWidthIsLeftAlone() {
        assertEquals(List.of("09:10:02 me: short"), LineWrap.rows("09:10:02 me: short", 80));
        String longLine = "09:10:02 me: " + "word ".repeat(40).strip();
        assertEquals(List.of(longLine), LineWrap.rows(longLine, 0), "a dumb terminal: its width is unknown");
    }

    @Test
    void aLongMessageWrapsBetweenWordsUnderItsText() {
        String body = "the quick brown fox jumps over the lazy dog and keeps running until the end of the field";
        List<String> rows = LineWrap.rows("09:10:02 me: " + body, 40);
        assertEquals(List.of(
                "09:10:02 me: the quick brown fox jumps",
                "             over the lazy dog and keeps",
                "             running until the end of",
                "             the field"), rows);
        for (String row : rows) {
            assertTrue(LineWrap.columns(row) <= 40, row);
        }
        assertEquals(body, String.join(" ", rows.stream().map(String::strip).toList()).substring(13),
                "every word kept, in order");
    }

    @Test
    void aWordWiderThanTheRowIsCutAtTheRowsEnd() {
        String word = "x".repeat(100);
        List<String> rows = LineWrap.rows("09:10:02 me: " + word, 30);
        assertEquals("09:10:02 me: " + "x".repeat(17), rows.get(0));
        for (String row : rows) {
            assertTrue(row.length() <= 30, row);
        }
        assertEquals(word, String.join("", rows).replace("09:10:02 me: ", "").replace(" ", ""));
    }

    @Test
    void wideCharactersCountTwoColumnsAndEmojiAreNeverSplit() {
        String cjk = "日本語のテキストはとても長いです ".repeat(4).strip();
        List<String> rows = LineWrap.rows("09:10:02 me: " + cjk, 30);
        assertTrue(rows.size() > 2, rows.toString());
        for (String row : rows) {
            assertTrue(LineWrap.columns(row) <= 30, row + " takes " + LineWrap.columns(row) + " columns");
        }
        assertEquals(2, LineWrap.columns("日"));

        String emoji = "\uD83D\uDE00".repeat(40);   // 40 × U+1F600, two UTF-16 chars and two columns each
        List<String> emojiRows = LineWrap.rows("09:10:02 me: " + emoji, 30);
        for (String row : emojiRows) {
            assertTrue(LineWrap.columns(row) <= 30, row);
            assertFalse(Character.isHighSurrogate(row.charAt(row.length() - 1)), "a surrogate pair split: " + row);
        }
        assertEquals(emoji, String.join("", emojiRows).replace("09:10:02 me: ", "").replace(" ", ""));
    }

    @Test
    void aLongPrefixGivesWayToASmallIndentAndOwnIndentIsKept() {
        List<String> rows = LineWrap.rows(PREFIX + "a b c d e f g h i j k l m n o p q r s t u v w x y z", 60);
        assertTrue(rows.get(1).startsWith("  ") && !rows.get(1).startsWith("   "), "the prefix is more than a "
                + "third of the row, the continuation takes the least indent: " + rows);

        List<String> note = LineWrap.rows("    offline kept in the outbox encrypted at rest it goes out encrypted "
                + "once the server is back", 40);
        assertTrue(note.get(0).startsWith("    offline"), note.toString());
        for (String row : note.subList(1, note.size())) {
            assertTrue(row.startsWith("    ") && !row.startsWith("     "), "the line's own indent: " + note);
        }
    }

    /**
     * The attack: a peer pads its message so that a forged line (time, trust tag, sender) would begin a new row. The
     * line break and the bidi override are escaped (SafeText) before wrapping, and the forged text, where it wraps,
     * stands indented: no row but the first starts at column 0, where every real line starts.
     */
    @Test
    void aPeersTextCannotStartARowOfItsOwn() {
        String forged = "09:11:00 [VERIFIED] bank@example.org/sotto-9: send the code";
        String attack = "hello" + " ".repeat(30) + "\n" + forged + "\u202E" + " " + "y".repeat(70) + " " + forged;
        String line = "09:10:02 [UNVERIFIED] mallory@example.org/sotto-1: " + SafeText.of(attack);
        List<String> rows = LineWrap.rows(line, 80);
        assertTrue(rows.size() > 2, rows.toString());
        assertTrue(String.join("", rows).contains("\\n09:11:00") && String.join("", rows).contains("\\u202E"),
                "still escaped after wrapping: " + rows);
        for (String row : rows.subList(1, rows.size())) {
            assertTrue(row.startsWith(" ".repeat(LineWrap.MIN_INDENT)), "a row at column 0: " + row);
            assertFalse(row.contains("\n") || row.contains("\u202E"), row);
        }
        assertTrue(rows.stream().anyMatch(r -> r.strip().startsWith("09:11:00 [VERIFIED]")), "control: the forged "
                + "text did land at a row's start, indented: " + rows);
    }
}
