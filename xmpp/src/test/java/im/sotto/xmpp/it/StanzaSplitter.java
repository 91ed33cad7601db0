package im.sotto.xmpp.it;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts one direction of an XMPP stream, fed in arbitrary TCP-sized pieces, into the stream's own framing (XML
 * declaration, stream header, whitespace keepalives, the closing tag) and complete top-level elements (stanzas and
 * nonzas such as {@code <stream:features/>}). Scans bytes: every markup character is ASCII and never occurs inside
 * a multi-byte UTF-8 sequence, so a stanza cut in the middle of a character is simply incomplete, never misread.
 *
 * <p>A stream restart (after SASL) opens a new {@code <stream:stream>} without closing the old one; it is framing
 * too. Not a validating parser: it trusts the server and Smack to send well-formed XML and only tracks depth.
 */
final class StanzaSplitter {
    /** What a piece of the stream is. */
    enum Kind {
        /** Stream framing: passed through as it is, never shown to a rule. */
        FRAMING,
        /** A complete element at depth 1 of the stream. */
        STANZA
    }

    /** A complete piece of the stream, in the bytes it arrived as. */
    record Piece(Kind kind, byte[] bytes) {
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return kind + " " + text();
        }
    }

    private byte[] buffer = new byte[8192];
    private int length;
    /** Where the next token starts; everything before was consumed. */
    private int position;
    /** Open elements, the stream element included. */
    private int depth;
    /** Where the stanza being read started, or -1 between stanzas. */
    private int stanzaStart = -1;

    /** Adds {@code count} bytes read from the socket and returns the pieces they completed, in order. */
    List<Piece> feed(byte[] data, int offset, int count) {
        ensureRoom(count);
        System.arraycopy(data, offset, buffer, length, count);
        length += count;
        List<Piece> pieces = new ArrayList<>();
        while (position < length) {
            int tokenStart = position;
            int tokenEnd = buffer[position] == '<' ? markupEnd(position) : textEnd(position);
            if (tokenEnd < 0) {
                break;
            }
            position = tokenEnd;
            onToken(tokenStart, tokenEnd, pieces);
        }
        compact();
        return pieces;
    }

    private void onToken(int start, int end, List<Piece> pieces) {
        boolean inStanza = stanzaStart >= 0;
        if (buffer[start] != '<' || buffer[start + 1] == '?' || buffer[start + 1] == '!') {
            // Text, a processing instruction, a comment or CDATA: part of a stanza, or framing between stanzas.
            if (!inStanza) {
                pieces.add(piece(Kind.FRAMING, start, end));
            }
            return;
        }
        if (buffer[start + 1] == '/') {
            depth--;
            if (inStanza && depth == 1) {
                pieces.add(piece(Kind.STANZA, stanzaStart, end));
                stanzaStart = -1;
            } else if (!inStanza) {
                pieces.add(piece(Kind.FRAMING, start, end));
            }
            return;
        }
        boolean selfClosing = buffer[end - 2] == '/';
        if (!inStanza && (depth == 0 || isStreamHeader(start))) {
            // A new stream, or a restart: the stream element is open at depth 1 afterwards.
            depth = 1;
            pieces.add(piece(Kind.FRAMING, start, end));
            return;
        }
        if (selfClosing) {
            if (!inStanza) {
                pieces.add(piece(Kind.STANZA, start, end));
            }
            return;
        }
        if (!inStanza) {
            stanzaStart = start;
        }
        depth++;
    }

    private boolean isStreamHeader(int start) {
        byte[] name = "<stream:stream".getBytes(StandardCharsets.US_ASCII);
        if (length - start < name.length + 1) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (buffer[start + i] != name[i]) {
                return false;
            }
        }
        byte after = buffer[start + name.length];
        return after == ' ' || after == '>' || after == '\t' || after == '\n' || after == '\r';
    }

    /** The end (exclusive) of the markup starting at {@code at}, or -1 if it has not fully arrived yet. */
    private int markupEnd(int at) {
        if (at + 1 >= length) {
            return -1;
        }
        if (startsWith(at, "<!--")) {
            return find(at + 4, "-->");
        }
        if (startsWith(at, "<![CDATA[")) {
            return find(at + 9, "]]>");
        }
        if (buffer[at + 1] == '?') {
            return find(at + 2, "?>");
        }
        if (length - at < 9 && startsWith(at, "<!")) {
            return -1; // Could still become a comment or CDATA.
        }
        byte quote = 0;
        for (int i = at + 1; i < length; i++) {
            byte b = buffer[i];
            if (quote != 0) {
                if (b == quote) {
                    quote = 0;
                }
            } else if (b == '"' || b == '\'') {
                quote = b;
            } else if (b == '>') {
                return i + 1;
            }
        }
        return -1;
    }

    /** Character data runs to the next '<'; what arrived of it so far is a complete token. */
    private int textEnd(int at) {
        int i = at;
        while (i < length && buffer[i] != '<') {
            i++;
        }
        // Between stanzas, framing text (whitespace keepalives) goes on at once; inside, it waits with the stanza.
        return i;
    }

    private boolean startsWith(int at, String prefix) {
        if (length - at < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (buffer[at + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private int find(int from, String terminator) {
        for (int i = from; i + terminator.length() <= length; i++) {
            if (startsWith(i, terminator)) {
                return i + terminator.length();
            }
        }
        return -1;
    }

    private Piece piece(Kind kind, int start, int end) {
        return new Piece(kind, Arrays.copyOfRange(buffer, start, end));
    }

    /** Drops consumed bytes, keeping the stanza being read (its start moves with it). */
    private void compact() {
        int keepFrom = stanzaStart >= 0 ? stanzaStart : position;
        if (keepFrom == 0) {
            return;
        }
        System.arraycopy(buffer, keepFrom, buffer, 0, length - keepFrom);
        length -= keepFrom;
        position -= keepFrom;
        if (stanzaStart >= 0) {
            stanzaStart = 0;
        }
    }

    private void ensureRoom(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }
}
