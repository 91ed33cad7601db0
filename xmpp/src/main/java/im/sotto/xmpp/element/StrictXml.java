package im.sotto.xmpp.element;

import java.io.IOException;
import java.util.Base64;
import java.util.Set;

import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

/** Parsing helpers that turn anything unexpected into a {@link SottoParsingException} instead of a default. */
public final class StrictXml {
    private StrictXml() {
    }

    /** Rejects any attribute other than the allowed ones (namespace declarations are not attributes here). */
    public static void allowOnlyAttributes(XmlPullParser parser, Set<String> allowed) throws SottoParsingException {
        for (int i = 0; i < parser.getAttributeCount(); i++) {
            String name = parser.getAttributeName(i);
            String namespace = parser.getAttributeNamespace(i);
            if ((namespace != null && !namespace.isEmpty()) || !allowed.contains(name)) {
                throw new SottoParsingException(
                        "unexpected attribute '" + name + "' on <" + parser.getName() + "/>");
            }
        }
    }

    /** The attribute's value; a missing or empty one is an error, never a default. */
    public static String requireAttribute(XmlPullParser parser, String name) throws SottoParsingException {
        String value = parser.getAttributeValue("", name);
        if (value == null || value.isEmpty()) {
            throw new SottoParsingException("<" + parser.getName() + "/> lacks its '" + name + "' attribute");
        }
        return value;
    }

    /**
     * Reads the text of the current element up to its end tag; a child element, or more than {@code maxChars}
     * characters, is an error. Leaves the parser on the end tag.
     */
    public static String readTextOnly(XmlPullParser parser, int maxChars)
            throws XmlPullParserException, IOException, SottoParsingException {
        String element = parser.getName();
        int depth = parser.getDepth();
        StringBuilder text = new StringBuilder();
        while (true) {
            XmlPullParser.Event event = parser.next();
            switch (event) {
                case START_ELEMENT:
                    throw new SottoParsingException("<" + element + "/> must not contain <" + parser.getName() + "/>");
                case TEXT_CHARACTERS:
                    text.append(parser.getText());
                    if (text.length() > maxChars) {
                        throw new SottoParsingException("<" + element + "/> is longer than " + maxChars + " characters");
                    }
                    break;
                case END_ELEMENT:
                    if (parser.getDepth() == depth) {
                        return text.toString();
                    }
                    break;
                case END_DOCUMENT:
                    throw new SottoParsingException("document ended inside <" + element + "/>");
                default:
                    break;
            }
        }
    }

    /** Decodes base64 text with no whitespace, no line breaks and correct padding, as Sotto always writes it. */
    public static byte[] decodeBase64(String text, String what) throws SottoParsingException {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new SottoParsingException(what + " is not valid base64: " + e.getMessage());
        }
    }

    /** The longest base64 text (with padding) that can encode {@code maxBytes}. */
    public static int base64Length(int maxBytes) {
        return 4 * ((maxBytes + 2) / 3);
    }
}
