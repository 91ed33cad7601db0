package im.sotto.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.Optional;

import im.sotto.xmpp.envelope.PaddingBuckets;

/**
 * The text of a message the user writes, checked before anything is queued: a message that can never be sent
 * (too large for the largest padding bucket, or holding characters XML cannot carry) is refused at once, so it never
 * sits in the outbox blocking the messages behind it.
 */
final class MessageText {
    /**
     * Room in the largest padding bucket (128 KiB of envelope) kept for what surrounds the body: the envelope's own
     * elements and time stamp, the {@code to} and {@code from} affixes (full JIDs, up to 3 × 1023 bytes each) and the
     * stanza's attributes.
     */
    static final int ENVELOPE_RESERVE = 8 * 1024;
    /** The most bytes a body may take inside the envelope, counted as UTF-8 after XML escaping. */
    static final int MAX_BODY_BYTES = PaddingBuckets.LARGEST - ENVELOPE_RESERVE;
    /** Read at most this much from a file or standard input, so that a wrong file is refused without reading it all. */
    private static final int MAX_INPUT_BYTES = MAX_BODY_BYTES * 6;

    private MessageText() {}

    /** Why {@code body} can never be sent, or empty when it can. */
    static Optional<String> problem(String body) {
        if (body.isBlank()) {
            return Optional.of("the message is empty");
        }
        long bytes = 0;
        for (int i = 0; i < body.length(); ) {
            int c = body.codePointAt(i);
            if (!xmlCanCarry(c)) {
                return Optional.of(String.format("the message holds the control character U+%04X at position %d, "
                        + "which XML cannot carry; remove it", c, i + 1));
            }
            bytes += escapedUtf8Length(c);
            i += Character.charCount(c);
        }
        if (bytes > MAX_BODY_BYTES) {
            return Optional.of("the message is " + bytes + " bytes (UTF-8, XML-escaped); the limit is "
                    + MAX_BODY_BYTES + " bytes (" + (MAX_BODY_BYTES / 1024) + " KiB)");
        }
        return Optional.empty();
    }

    /** The body, or a usage error saying why it can never be sent (nothing is queued). */
    static String require(String body) {
        Optional<String> problem = problem(body);
        if (problem.isPresent()) {
            throw new CliException(ExitCode.REFUSED, "not sent and not queued: " + problem.get());
        }
        return body;
    }

    /** The message from a file or standard input: UTF-8, one trailing line break dropped. */
    static String read(InputStream in, String what) {
        try {
            byte[] bytes = in.readNBytes(MAX_INPUT_BYTES + 1);
            if (bytes.length > MAX_INPUT_BYTES) {
                throw new CliException(ExitCode.REFUSED, "not sent and not queued: " + what + " holds more than "
                        + MAX_INPUT_BYTES + " bytes; the limit for a message is " + MAX_BODY_BYTES + " bytes");
            }
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            if (text.endsWith("\r\n")) {
                return text.substring(0, text.length() - 2);
            }
            return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        } catch (CharacterCodingException e) {
            throw new CliException(ExitCode.REFUSED, "not sent and not queued: " + what + " is not UTF-8 text");
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot read " + what + ": " + e.getMessage());
        }
    }

    static String read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** XML 1.0's Char production: tab, line feed, carriage return, and everything else from U+0020 but U+FFFE/F. */
    private static boolean xmlCanCarry(int c) {
        return c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
                || (c >= 0x10000 && c <= 0x10FFFF);
    }

    private static int escapedUtf8Length(int c) {
        switch (c) {
            case '&':
                return "&amp;".length();
            case '<':
                return "&lt;".length();
            case '>':
                return "&gt;".length();
            case '"':
                return "&quot;".length();
            case '\'':
                return "&apos;".length();
            case '\r':
                return "&#xD;".length();
            default:
                return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
        }
    }
}
