package im.sotto.xmpp.envelope;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

import im.sotto.xmpp.element.SottoEncrypted;
import im.sotto.xmpp.envelope.EnvelopeException.Kind;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StreamOpen;
import org.jivesoftware.smack.util.PacketParserUtils;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;

/**
 * Turns a stanza's content into XEP-0420 envelope bytes and back.
 *
 * <pre>{@code
 * <envelope xmlns='urn:xmpp:sce:1'>
 *   <content>...every child of the original stanza...</content>
 *   <rpad>...</rpad><time stamp='...'/><to jid='...'/><from jid='...'/>
 * </envelope>}</pre>
 *
 * <p>Sealing keeps the stanza's children (body, thread, status, the iq query, errors, extensions) and leaves the
 * routing attributes ({@code to}, {@code type}, {@code id}) to the outer stanza. Opening checks the affixes
 * against the outer stanza and rebuilds a stanza of the same kind with the outer routing and the inner content,
 * parsed by Smack's providers as if it had arrived in the clear. Every problem is an {@link EnvelopeException}.
 */
public final class EnvelopeCodec {
    public static final String NAMESPACE = "urn:xmpp:sce:1";

    private static final String CONTENT = "content";
    private static final String RPAD = "rpad";
    private static final String TIME = "time";
    private static final String TO = "to";
    private static final String FROM = "from";
    /** {@code <rpad></rpad>}: what the padding element costs with no padding in it. */
    private static final int RPAD_OVERHEAD = "<rpad></rpad>".length();
    private static final char PAD_CHARACTER = '.';

    private final Clock clock;

    public EnvelopeCodec(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Seals the content of {@code stanza} (a message, a directed presence or an iq) addressed to its {@code to},
     * as sent by {@code sender}, padded to a {@link PaddingBuckets} size. Returns UTF-8 XML.
     */
    public byte[] seal(Stanza stanza, EntityFullJid sender) throws EnvelopeException {
        Objects.requireNonNull(sender, "sender");
        StanzaKind kind = StanzaKind.of(stanza);
        Jid recipient = stanza.getTo();
        if (recipient == null) {
            throw new EnvelopeException(Kind.UNSUPPORTED_STANZA, kind == StanzaKind.PRESENCE
                    ? "broadcast presence is one-to-many and not carried by Sotto; direct it to a JID"
                    : "the stanza has no recipient");
        }
        StringBuilder head = new StringBuilder(256);
        head.append("<envelope xmlns='").append(NAMESPACE).append("'><content>");
        copyChildren(stanza, head);
        head.append("</content>");
        StringBuilder tail = new StringBuilder(160);
        tail.append("<time stamp='").append(formatTime(clock.instant())).append("'/>");
        tail.append("<to jid='");
        XmlSubtreeWriter.escape(recipient, tail, true);
        tail.append("'/><from jid='");
        XmlSubtreeWriter.escape(sender, tail, true);
        tail.append("'/></envelope>");

        int unpadded = utf8Length(head) + utf8Length(tail) + RPAD_OVERHEAD;
        int bucket = PaddingBuckets.bucketFor(unpadded);
        if (bucket < 0) {
            throw new EnvelopeException(Kind.TOO_LARGE,
                    unpadded + " bytes exceed the largest bucket of " + PaddingBuckets.LARGEST);
        }
        StringBuilder envelope = new StringBuilder(bucket);
        envelope.append(head).append("<rpad>");
        envelope.append(String.valueOf(PAD_CHARACTER).repeat(bucket - unpadded));
        envelope.append("</rpad>").append(tail);
        byte[] bytes = envelope.toString().getBytes(StandardCharsets.UTF_8);
        assert bytes.length == bucket;
        return bytes;
    }

    /**
     * Opens envelope bytes that arrived inside {@code outer}: checks the affixes against it and returns a stanza of
     * the same kind with the outer routing attributes and the envelope's content.
     */
    public OpenedStanza open(byte[] envelope, Stanza outer) throws EnvelopeException {
        StanzaKind kind = StanzaKind.of(outer);
        ParsedEnvelope parsed = parse(envelope);
        checkAffixes(parsed, outer);
        return new OpenedStanza(kind, rebuild(kind, parsed.content, outer), parsed.time);
    }

    private static void copyChildren(Stanza stanza, StringBuilder out) throws EnvelopeException {
        try {
            XmlPullParser parser = PacketParserUtils.getParserFor(stanza.toXML().toString());
            int rootDepth = parser.getDepth();
            while (true) {
                XmlPullParser.Event event = parser.next();
                if (event == XmlPullParser.Event.START_ELEMENT) {
                    rejectNestedSotto(parser);
                    XmlSubtreeWriter.copy(parser, out, NAMESPACE);
                } else if (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == rootDepth) {
                    return;
                } else if (event == XmlPullParser.Event.END_DOCUMENT) {
                    return;
                }
            }
        } catch (XmlPullParserException | IOException e) {
            throw new EnvelopeException(Kind.MALFORMED, "Smack wrote a stanza it cannot read back", e);
        }
    }

    /**
     * A Sotto element inside an envelope would be decrypted again and again by a naive receiver; no legitimate
     * sender nests them, so both sides refuse.
     */
    private static void rejectNestedSotto(XmlPullParser parser) throws EnvelopeException {
        if (SottoEncrypted.NAMESPACE.equals(parser.getNamespace()) || NAMESPACE.equals(parser.getNamespace())) {
            throw new EnvelopeException(Kind.UNEXPECTED_ELEMENT,
                    "<" + parser.getName() + " xmlns='" + parser.getNamespace() + "'/> may not be nested in an envelope");
        }
    }

    private static final class ParsedEnvelope {
        String content;
        Instant time;
        Jid to;
        Jid from;
        int contentChildren;
        boolean rpad;
    }

    private static ParsedEnvelope parse(byte[] envelope) throws EnvelopeException {
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
            if (!"envelope".equals(parser.getName()) || !NAMESPACE.equals(parser.getNamespace())) {
                throw new EnvelopeException(Kind.MALFORMED,
                        "root is <" + parser.getName() + " xmlns='" + parser.getNamespace() + "'/>, not an envelope");
            }
            requireNoAttributes(parser);
            ParsedEnvelope parsed = new ParsedEnvelope();
            int rootDepth = parser.getDepth();
            while (true) {
                XmlPullParser.Event event = parser.next();
                if (event == XmlPullParser.Event.START_ELEMENT) {
                    readEnvelopeChild(parser, parsed);
                } else if (event == XmlPullParser.Event.TEXT_CHARACTERS && !parser.getText().isBlank()) {
                    throw new EnvelopeException(Kind.MALFORMED, "text directly inside <envelope/>");
                } else if (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == rootDepth) {
                    break;
                } else if (event == XmlPullParser.Event.END_DOCUMENT) {
                    throw new EnvelopeException(Kind.MALFORMED, "document ended inside <envelope/>");
                }
            }
            requireNothingAfterRoot(parser);
            if (parsed.content == null) {
                throw new EnvelopeException(Kind.MISSING_CONTENT, "the envelope has no <content/>");
            }
            if (parsed.time == null || parsed.to == null || parsed.from == null) {
                throw new EnvelopeException(Kind.MISSING_AFFIX, "the envelope lacks "
                        + (parsed.time == null ? "<time/>" : parsed.to == null ? "<to/>" : "<from/>"));
            }
            return parsed;
        } catch (XmlPullParserException | IOException | RuntimeException e) {
            // The StAX parser reports some malformations as unchecked exceptions; all of them mean the same here.
            throw new EnvelopeException(Kind.MALFORMED, "not well-formed XML: " + e.getMessage(), e);
        }
    }

    private static void readEnvelopeChild(XmlPullParser parser, ParsedEnvelope parsed)
            throws XmlPullParserException, IOException, EnvelopeException {
        String name = parser.getName();
        if (!NAMESPACE.equals(parser.getNamespace())) {
            throw new EnvelopeException(Kind.UNEXPECTED_ELEMENT,
                    "<" + name + " xmlns='" + parser.getNamespace() + "'/> inside <envelope/>");
        }
        switch (name) {
            case CONTENT:
                if (parsed.content != null) {
                    throw duplicate(name);
                }
                requireNoAttributes(parser);
                parsed.content = readContent(parser, parsed);
                break;
            case RPAD:
                if (parsed.rpad) {
                    throw duplicate(name);
                }
                requireNoAttributes(parser);
                parsed.rpad = true;
                readTextOnly(parser);
                break;
            case TIME:
                if (parsed.time != null) {
                    throw duplicate(name);
                }
                parsed.time = parseTime(readAffix(parser, "stamp"));
                break;
            case TO:
                if (parsed.to != null) {
                    throw duplicate(name);
                }
                parsed.to = parseJid(readAffix(parser, "jid"));
                break;
            case FROM:
                if (parsed.from != null) {
                    throw duplicate(name);
                }
                parsed.from = parseJid(readAffix(parser, "jid"));
                break;
            default:
                throw new EnvelopeException(Kind.UNEXPECTED_ELEMENT, "<" + name + "/> inside <envelope/>");
        }
    }

    private static String readContent(XmlPullParser parser, ParsedEnvelope parsed)
            throws XmlPullParserException, IOException, EnvelopeException {
        StringBuilder content = new StringBuilder();
        int depth = parser.getDepth();
        while (true) {
            XmlPullParser.Event event = parser.next();
            if (event == XmlPullParser.Event.START_ELEMENT) {
                rejectNestedSotto(parser);
                XmlSubtreeWriter.copy(parser, content, StreamOpen.CLIENT_NAMESPACE);
                parsed.contentChildren++;
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

    /**
     * The recipient is compared as a bare JID: a server may deliver a message sent to one resource (or to the bare
     * JID) to another resource or to offline storage, as RFC 6121 allows. The sender must match exactly: servers
     * stamp the real full JID on every stanza they route, and the sealer wrote its own full JID.
     */
    private static void checkAffixes(ParsedEnvelope parsed, Stanza outer) throws EnvelopeException {
        Jid outerTo = outer.getTo();
        Jid outerFrom = outer.getFrom();
        if (outerTo == null || !parsed.to.asBareJid().equals(outerTo.asBareJid())) {
            throw new EnvelopeException(Kind.TO_MISMATCH,
                    "sealed for " + parsed.to + " but delivered to " + outerTo);
        }
        if (outerFrom == null || !parsed.from.equals(outerFrom)) {
            throw new EnvelopeException(Kind.FROM_MISMATCH,
                    "sealed by " + parsed.from + " but sent from " + outerFrom);
        }
    }

    private static Stanza rebuild(StanzaKind kind, String content, Stanza outer) throws EnvelopeException {
        checkShape(kind, content, outer);
        StringBuilder xml = new StringBuilder(content.length() + 200);
        xml.append('<').append(kind.element()).append(" xmlns='").append(StreamOpen.CLIENT_NAMESPACE).append('\'');
        String type = typeOf(outer);
        if (type != null) {
            attribute(xml, "type", type);
        }
        if (outer.getStanzaId() != null) {
            attribute(xml, "id", outer.getStanzaId());
        }
        attribute(xml, "to", outer.getTo());
        attribute(xml, "from", outer.getFrom());
        xml.append('>').append(content).append("</").append(kind.element()).append('>');
        try {
            return PacketParserUtils.parseStanza(xml.toString());
        } catch (Exception e) {
            throw new EnvelopeException(Kind.CONTENT_UNPARSEABLE, "the content is not a valid " + kind.element(), e);
        }
    }

    /** An iq request carries exactly one query, a result at most one; error payloads are checked by Smack. */
    private static void checkShape(StanzaKind kind, String content, Stanza outer) throws EnvelopeException {
        if (kind != StanzaKind.IQ) {
            return;
        }
        IQ.Type type = ((IQ) outer).getType();
        int queries = countQueries(content);
        if ((type == IQ.Type.get || type == IQ.Type.set) && queries != 1) {
            throw new EnvelopeException(Kind.UNSUPPORTED_STANZA, "an iq " + type + " needs exactly one query, not " + queries);
        }
        if (type == IQ.Type.result && queries > 1) {
            throw new EnvelopeException(Kind.UNSUPPORTED_STANZA, "an iq result has at most one child, not " + queries);
        }
    }

    /** Counts top-level children of the (already canonical) content other than {@code <error/>}. */
    private static int countQueries(String content) throws EnvelopeException {
        try {
            XmlPullParser parser = PacketParserUtils.getParserFor("<c>" + content + "</c>");
            int depth = parser.getDepth();
            int count = 0;
            while (true) {
                XmlPullParser.Event event = parser.next();
                if (event == XmlPullParser.Event.START_ELEMENT && parser.getDepth() == depth + 1
                        && !("error".equals(parser.getName()) && StreamOpen.CLIENT_NAMESPACE.equals(parser.getNamespace()))) {
                    count++;
                } else if (event == XmlPullParser.Event.END_DOCUMENT
                        || (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == depth)) {
                    return count;
                }
            }
        } catch (XmlPullParserException | IOException e) {
            throw new EnvelopeException(Kind.MALFORMED, "content cannot be read back", e);
        }
    }

    private static String typeOf(Stanza outer) {
        if (outer instanceof IQ) {
            return ((IQ) outer).getType().toString();
        }
        if (outer instanceof Presence) {
            Presence.Type type = ((Presence) outer).getType();
            return type == Presence.Type.available ? null : type.toString();
        }
        Message.Type type = ((Message) outer).getType();
        return type == Message.Type.normal ? null : type.toString();
    }

    private static void attribute(StringBuilder xml, String name, CharSequence value) {
        xml.append(' ').append(name).append("='");
        XmlSubtreeWriter.escape(value, xml, true);
        xml.append('\'');
    }

    private static String formatTime(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.MILLIS));
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

    private static int utf8Length(CharSequence text) {
        return text.toString().getBytes(StandardCharsets.UTF_8).length;
    }

}
