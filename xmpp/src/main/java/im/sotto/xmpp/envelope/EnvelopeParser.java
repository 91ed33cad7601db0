package im.sotto.xmpp.envelope;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import im.sotto.xmpp.envelope.EnvelopeException.Kind;

import org.jivesoftware.smack.util.PacketParserUtils;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;

/**
 * The strict reader of envelope bytes: UTF-8, no DTD, the envelope root alone, each child at most once, affixes with
 * exactly their one attribute, nothing unexpected anywhere; {@code <to/>} and {@code <from/>} are optional (envelopes
 * sealed before they were dropped have them). Every problem is a typed {@link EnvelopeException}; nothing is
 * defaulted.
 */
final class EnvelopeParser {
    static final String CONTENT = "content";
    static final String RPAD = "rpad";
    static final String TIME = "time";
    static final String TO = "to";
    static final String FROM = "from";

    /** The children read so far; each may be set once. */
    private String content;
    private Instant time;
    private Jid to;
    private Jid from;
    private boolean rpad;

    private EnvelopeParser() {
    }

    static ParsedEnvelope parse(byte[] envelope) throws EnvelopeException {
        if (envelope.length > PaddingBuckets.LARGEST) {
            throw new EnvelopeException(Kind.TOO_LARGE,
                    envelope.length + " bytes exceed the largest bucket of " + PaddingBuckets.LARGEST);
        }
        String xml = decodeUtf8(envelope);
        // No DTD: it is the only way XML can define entities, and no envelope needs one.
        if (xml.contains("<!DOCTYPE") || xml.contains("<!ENTITY")) {
            throw new EnvelopeException(Kind.MALFORMED, "a DTD is not allowed in an envelope");
        }
        try {
            XmlPullParser parser = PacketParserUtils.getParserFor(xml);
            if (!"envelope".equals(parser.getName()) || !EnvelopeCodec.NAMESPACE.equals(parser.getNamespace())) {
                throw new EnvelopeException(Kind.MALFORMED,
                        "root is <" + parser.getName() + " xmlns='" + parser.getNamespace() + "'/>, not an envelope");
            }
            requireNoAttributes(parser);
            EnvelopeParser parsed = new EnvelopeParser();
            int rootDepth = parser.getDepth();
            while (true) {
                XmlPullParser.Event event = parser.next();
                if (event == XmlPullParser.Event.START_ELEMENT) {
                    parsed.readChild(parser);
                } else if (event == XmlPullParser.Event.TEXT_CHARACTERS && !parser.getText().isBlank()) {
                    throw new EnvelopeException(Kind.MALFORMED, "text directly inside <envelope/>");
                } else if (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == rootDepth) {
                    break;
                } else if (event == XmlPullParser.Event.END_DOCUMENT) {
                    throw new EnvelopeException(Kind.MALFORMED, "document ended inside <envelope/>");
                }
            }
            requireNothingAfterRoot(parser);
            return parsed.complete();
        } catch (XmlPullParserException | IOException | RuntimeException e) {
            // The StAX parser reports some malformations as unchecked exceptions; all of them mean the same here.
            throw new EnvelopeException(Kind.MALFORMED, "not well-formed XML: " + e.getMessage(), e);
        }
    }

    private ParsedEnvelope complete() throws EnvelopeException {
        if (content == null) {
            throw new EnvelopeException(Kind.MISSING_CONTENT, "the envelope has no <content/>");
        }
        if (time == null) {
            throw new EnvelopeException(Kind.MISSING_AFFIX, "the envelope lacks <time/>");
        }
        return new ParsedEnvelope(content, time, java.util.Optional.ofNullable(to), java.util.Optional.ofNullable(from));
    }

    private void readChild(XmlPullParser parser) throws XmlPullParserException, IOException, EnvelopeException {
        String name = parser.getName();
        if (!EnvelopeCodec.NAMESPACE.equals(parser.getNamespace())) {
            throw new EnvelopeException(Kind.UNEXPECTED_ELEMENT,
                    "<" + name + " xmlns='" + parser.getNamespace() + "'/> inside <envelope/>");
        }
        switch (name) {
            case CONTENT:
                if (content != null) {
                    throw duplicate(name);
                }
                requireNoAttributes(parser);
                content = readContent(parser);
                break;
            case RPAD:
                if (rpad) {
                    throw duplicate(name);
                }
                requireNoAttributes(parser);
                rpad = true;
                readTextOnly(parser);
                break;
            case TIME:
                if (time != null) {
                    throw duplicate(name);
                }
                time = parseTime(readAffix(parser, "stamp"));
                break;
            case TO:
                if (to != null) {
                    throw duplicate(name);
                }
                to = parseJid(readAffix(parser, "jid"));
                break;
            case FROM:
                if (from != null) {
                    throw duplicate(name);
                }
                from = parseJid(readAffix(parser, "jid"));
                break;
            default:
                throw new EnvelopeException(Kind.UNEXPECTED_ELEMENT, "<" + name + "/> inside <envelope/>");
        }
    }

    private static String readContent(XmlPullParser parser)
            throws XmlPullParserException, IOException, EnvelopeException {
        StringBuilder content = new StringBuilder();
        int depth = parser.getDepth();
        while (true) {
            XmlPullParser.Event event = parser.next();
            if (event == XmlPullParser.Event.START_ELEMENT) {
                EnvelopeCodec.rejectNestedSotto(parser);
                XmlSubtreeWriter.copyContentChild(parser, content, XmlSubtreeWriter.Direction.OPENING);
            } else if (event == XmlPullParser.Event.TEXT_CHARACTERS && !parser.getText().isBlank()) {
                throw new EnvelopeException(Kind.MALFORMED, "text directly inside <content/>");
            } else if (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == depth) {
                return content.toString();
            } else if (event == XmlPullParser.Event.END_DOCUMENT) {
                throw new EnvelopeException(Kind.MALFORMED, "document ended inside <content/>");
            }
        }
    }

    /** An affix is an empty element with exactly one attribute. */
    private static String readAffix(XmlPullParser parser, String attribute)
            throws XmlPullParserException, IOException, EnvelopeException {
        String name = parser.getName();
        String value = parser.getAttributeValue("", attribute);
        if (parser.getAttributeCount() != 1 || value == null || value.isEmpty()) {
            throw new EnvelopeException(Kind.MALFORMED, "<" + name + "/> must have exactly the '" + attribute + "' attribute");
        }
        if (!readTextOnly(parser).isBlank()) {
            throw new EnvelopeException(Kind.MALFORMED, "<" + name + "/> must be empty");
        }
        return value;
    }

    private static String readTextOnly(XmlPullParser parser)
            throws XmlPullParserException, IOException, EnvelopeException {
        String name = parser.getName();
        int depth = parser.getDepth();
        StringBuilder text = new StringBuilder();
        while (true) {
            XmlPullParser.Event event = parser.next();
            if (event == XmlPullParser.Event.START_ELEMENT) {
                throw new EnvelopeException(Kind.UNEXPECTED_ELEMENT, "<" + parser.getName() + "/> inside <" + name + "/>");
            } else if (event == XmlPullParser.Event.TEXT_CHARACTERS) {
                text.append(parser.getText());
            } else if (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == depth) {
                return text.toString();
            } else if (event == XmlPullParser.Event.END_DOCUMENT) {
                throw new EnvelopeException(Kind.MALFORMED, "document ended inside <" + name + "/>");
            }
        }
    }

    private static void requireNoAttributes(XmlPullParser parser) throws EnvelopeException {
        if (parser.getAttributeCount() != 0) {
            throw new EnvelopeException(Kind.MALFORMED, "<" + parser.getName() + "/> takes no attributes");
        }
    }

    private static void requireNothingAfterRoot(XmlPullParser parser)
            throws XmlPullParserException, IOException, EnvelopeException {
        while (true) {
            XmlPullParser.Event event = parser.next();
            if (event == XmlPullParser.Event.END_DOCUMENT) {
                return;
            }
            if (event == XmlPullParser.Event.START_ELEMENT
                    || (event == XmlPullParser.Event.TEXT_CHARACTERS && !parser.getText().isBlank())) {
                throw new EnvelopeException(Kind.MALFORMED, "data after </envelope>");
            }
        }
    }

    private static EnvelopeException duplicate(String element) {
        return new EnvelopeException(Kind.DUPLICATE_ELEMENT, "<" + element + "/> occurs twice");
    }

    private static Instant parseTime(String stamp) throws EnvelopeException {
        try {
            return OffsetDateTime.parse(stamp, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new EnvelopeException(Kind.MALFORMED, "bad <time stamp='" + stamp + "'/>", e);
        }
    }

    private static Jid parseJid(String jid) throws EnvelopeException {
        try {
            return JidCreate.from(jid);
        } catch (XmppStringprepException e) {
            throw new EnvelopeException(Kind.MALFORMED, "bad JID '" + jid + "'", e);
        }
    }

    private static String decodeUtf8(byte[] bytes) throws EnvelopeException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new EnvelopeException(Kind.MALFORMED, "not UTF-8", e);
        }
    }
}
