package im.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** What can never be sent is recognised before it is queued; the limit counts what the envelope will hold. */
class MessageTextTest {
    @Test
    void theLimitCountsUtf8AfterXmlEscaping() {
        assertEquals(Optional.empty(), MessageText.problem("x".repeat(MessageText.MAX_BODY_BYTES)));
        assertTrue(MessageText.problem("x".repeat(MessageText.MAX_BODY_BYTES + 1)).isPresent());
        // '<' travels as "&lt;" and 'ä' as two bytes: fewer characters reach the limit.
        assertTrue(MessageText.problem("<".repeat(MessageText.MAX_BODY_BYTES / 4 + 1)).isPresent());
        assertTrue(MessageText.problem("\u00e4".repeat(MessageText.MAX_BODY_BYTES / 2 + 1)).isPresent());
    }

    @Test
    void charactersXmlCannotCarryAreRefusedWithTheirPosition() {
        assertEquals(Optional.of("the message holds the control character U+001B at position 3, which XML cannot "
                + "carry; remove it"), MessageText.problem("ab\u001b[2J"));
        assertTrue(MessageText.problem("nul \u0000").isPresent());
        assertTrue(MessageText.problem("\uFFFE").isPresent());
        assertTrue(MessageText.problem("lone surrogate \uD800").isPresent());
        assertEquals(Optional.empty(), MessageText.problem("tab\tand\nlines\r\n, emoji \uD83D\uDE00"));
        assertTrue(MessageText.problem(" \n ").isPresent(), "an empty message");
    }

    @Test
    void inputDropsOneTrailingLineBreakAndMustBeUtf8() {
        assertEquals("two\nlines", MessageText.read(stream("two\nlines\n"), "stdin"));
        assertEquals("crlf", MessageText.read(stream("crlf\r\n"), "stdin"));
        CliException e = assertThrows(CliException.class, () -> MessageText.read(
                new ByteArrayInputStream(new byte[] {'a', (byte) 0xff}), "stdin"));
        assertEquals(ExitCode.REFUSED, e.exitCode());
    }

    private static ByteArrayInputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
