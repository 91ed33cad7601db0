package im.sotto.xmpp.envelope;

import java.io.IOException;
import java.util.Objects;

import org.jivesoftware.smack.packet.StreamOpen;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

/**
 * Copies one element and its subtree from a pull parser into a string, with every namespace made explicit where
 * it changes, so the copy means the same thing wherever it is pasted (inside {@code <content/>} going out,
 * inside a rebuilt stanza coming in). Comments and processing instructions are dropped; prefixes are rewritten.
 *
 * <p>Inside {@code <content/>} the stanza's own namespace, {@code jabber:client}, is left undeclared (docs/protocol.md
 * 7.1): a child such as {@code <body/>} then inherits the envelope's namespace, {@code urn:xmpp:sce:1}, which the
 * reader takes for {@code jabber:client} again. That saves the 22 bytes of {@code xmlns='jabber:client'} on every
 * such child; the envelope is read only by Sotto. So the sealer refuses an element of the envelope's own namespace
 * anywhere in the content: it would come back as {@code jabber:client}.
 */
final class XmlSubtreeWriter {
    /**
     * Deepest nesting accepted inside {@code <content/>}: real stanza payloads nest fewer than ten levels; the
     * limit keeps hostile input from costing unbounded work further down the line.
     */
    static final int MAX_DEPTH = 32;

    private static final String XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace";

    /** Which way a copy goes, and so what the envelope's namespace means in it. */
    enum Direction {
        /** Into {@code <content/>}: {@code jabber:client} left undeclared; the envelope's namespace refused. */
        SEALING,
        /** Out of {@code <content/>}, into a rebuilt stanza: the envelope's namespace read as {@code jabber:client}. */
        OPENING
    }

    private XmlSubtreeWriter() {
    }

    /**
     * Copies the element the parser stands on, a child of {@code <content/>}, in {@code direction}; leaves the parser
     * on its end tag. Either way the namespace in force around the copy is {@code jabber:client}: inside
     * {@code <content/>} by the rule above, inside the rebuilt stanza by its own declaration.
     */
    static void copyContentChild(XmlPullParser parser, StringBuilder out, Direction direction)
            throws XmlPullParserException, IOException, EnvelopeException {
        int rootDepth = parser.getDepth();
        java.util.ArrayDeque<String> namespaces = new java.util.ArrayDeque<>();
        namespaces.push(StreamOpen.CLIENT_NAMESPACE);
        writeStartTag(parser, out, namespaces, direction);
        while (true) {
            switch (parser.next()) {
                case START_ELEMENT:
                    if (parser.getDepth() - rootDepth >= MAX_DEPTH) {
                        throw new EnvelopeException(EnvelopeException.Kind.MALFORMED,
                                "content nests deeper than " + MAX_DEPTH + " levels");
                    }
                    writeStartTag(parser, out, namespaces, direction);
                    break;
                case TEXT_CHARACTERS:
                case IGNORABLE_WHITESPACE:
                    escape(parser.getText(), out, false);
                    break;
                case END_ELEMENT:
                    namespaces.pop();
                    out.append("</").append(parser.getName()).append('>');
                    if (parser.getDepth() == rootDepth) {
                        return;
                    }
                    break;
                case END_DOCUMENT:
                    throw new EnvelopeException(EnvelopeException.Kind.MALFORMED, "document ended inside an element");
                default:
                    break;
            }
        }
    }

    /** The element's namespace as the copy states it (see the class comment). */
    private static String namespaceOf(XmlPullParser parser, Direction direction) throws EnvelopeException {
        String namespace = Objects.requireNonNullElse(parser.getNamespace(), "");
        if (!namespace.equals(EnvelopeCodec.NAMESPACE)) {
            return namespace;
        }
        if (direction == Direction.SEALING) {
            throw new EnvelopeException(EnvelopeException.Kind.UNEXPECTED_ELEMENT, "<" + parser.getName()
                    + " xmlns='" + namespace + "'/> may not be in an envelope's content");
        }
        return StreamOpen.CLIENT_NAMESPACE;
    }

    private static void writeStartTag(XmlPullParser parser, StringBuilder out, java.util.Deque<String> namespaces,
            Direction direction) throws EnvelopeException {
        String namespace = namespaceOf(parser, direction);
        out.append('<').append(parser.getName());
        if (!namespace.equals(namespaces.peek())) {
            out.append(" xmlns='");
            escape(namespace, out, true);
            out.append('\'');
        }
        namespaces.push(namespace);
        int generatedPrefixes = 0;
        for (int i = 0; i < parser.getAttributeCount(); i++) {
            String attributeNamespace = Objects.requireNonNullElse(parser.getAttributeNamespace(i), "");
            out.append(' ');
            if (attributeNamespace.equals(XML_NAMESPACE)) {
                out.append("xml:");
            } else if (!attributeNamespace.isEmpty()) {
                String prefix = "a" + generatedPrefixes++;
                out.append("xmlns:").append(prefix).append("='");
                escape(attributeNamespace, out, true);
                out.append("' ").append(prefix).append(':');
            }
            out.append(parser.getAttributeName(i)).append("='");
            escape(parser.getAttributeValue(i), out, true);
            out.append('\'');
        }
        out.append('>');
    }

    static void escape(CharSequence text, StringBuilder out, boolean attribute) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&':
                    out.append("&amp;");
                    break;
                case '<':
                    out.append("&lt;");
                    break;
                case '>':
                    out.append("&gt;");
                    break;
                case '\'':
                    out.append(attribute ? "&apos;" : "'");
                    break;
                case '"':
                    out.append(attribute ? "&quot;" : "\"");
                    break;
                default:
                    out.append(c);
            }
        }
    }
}
