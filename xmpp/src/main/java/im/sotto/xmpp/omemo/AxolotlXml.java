package im.sotto.xmpp.omemo;

import java.io.IOException;
import java.util.Base64;

import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

/**
 * Strict reading of OMEMO elements written by other clients. A content error is an {@link AxolotlXmlException}
 * that the providers turn into a "malformed" element (so the receiver reports it with the sender known), never a
 * default value; the parser is then moved to the element's end so the rest of the stanza still parses.
 */
public final class AxolotlXml {
    private AxolotlXml() {
    }

    /** A content error in an OMEMO element. */
    public static final class AxolotlXmlException extends Exception {
        private static final long serialVersionUID = 1L;

        public AxolotlXmlException(String message) {
            super(message, null, false, false);
        }
    }

    public static String requireAttribute(XmlPullParser parser, String name) throws AxolotlXmlException {
        String value = parser.getAttributeValue("", name);
        if (value == null || value.isEmpty()) {
            throw new AxolotlXmlException("<" + parser.getName() + "/> lacks '" + name + "'");
        }
        return value;
    }

    /** A decimal id in {@code min..max}; a sign, spaces or an out-of-range value is an error. */
    public static long requireId(XmlPullParser parser, String name, long min, long max) throws AxolotlXmlException {
        String value = requireAttribute(parser, name);
        if (value.length() > 10 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new AxolotlXmlException("'" + name + "' is not a decimal id");
        }
        long id = Long.parseLong(value);
        if (id < min || id > max) {
            throw new AxolotlXmlException("'" + name + "' out of range");
        }
        return id;
    }

    /** Text content up to the end tag (no child elements), at most {@code maxChars}. */
    public static String text(XmlPullParser parser, int maxChars)
            throws XmlPullParserException, IOException, AxolotlXmlException {
        String element = parser.getName();
        int depth = parser.getDepth();
        StringBuilder text = new StringBuilder();
        while (true) {
            XmlPullParser.Event event = parser.next();
            if (event == XmlPullParser.Event.START_ELEMENT) {
                throw new AxolotlXmlException("<" + element + "/> must not contain elements");
            } else if (event == XmlPullParser.Event.TEXT_CHARACTERS) {
                text.append(parser.getText());
                if (text.length() > maxChars) {
                    throw new AxolotlXmlException("<" + element + "/> longer than " + maxChars + " characters");
                }
            } else if (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == depth) {
                return text.toString();
            } else if (event == XmlPullParser.Event.END_DOCUMENT) {
                throw new AxolotlXmlException("document ended inside <" + element + "/>");
            }
        }
    }

    /** Base64 text as clients write it; surrounding and embedded whitespace (line breaks) is tolerated. */
    public static byte[] base64(XmlPullParser parser, int maxBytes)
            throws XmlPullParserException, IOException, AxolotlXmlException {
        String element = parser.getName();
        String text = text(parser, 4 * ((maxBytes + 2) / 3) + 1024).replaceAll("\\s", "");
        try {
            byte[] decoded = Base64.getDecoder().decode(text);
            if (decoded.length > maxBytes) {
                throw new AxolotlXmlException("<" + element + "/> holds more than " + maxBytes + " bytes");
            }
            return decoded;
        } catch (IllegalArgumentException e) {
            throw new AxolotlXmlException("<" + element + "/> is not base64");
        }
    }

    /** Moves the parser to the end tag at {@code depth} (after a content error, to keep the stanza parseable). */
    public static void skipTo(XmlPullParser parser, int depth) throws XmlPullParserException, IOException {
        while (!(parser.getEventType() == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == depth)) {
            if (parser.next() == XmlPullParser.Event.END_DOCUMENT) {
                return;
            }
        }
    }
}
