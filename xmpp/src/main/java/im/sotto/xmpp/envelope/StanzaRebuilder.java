package im.sotto.xmpp.envelope;

import java.io.IOException;

import im.sotto.xmpp.envelope.EnvelopeException.Kind;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StreamOpen;
import org.jivesoftware.smack.util.PacketParserUtils;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

/**
 * Rebuilds the stanza a sender sealed: the outer stanza's routing ({@code type}, {@code id}, {@code to},
 * {@code from}) around the envelope's content, parsed by Smack's providers as if it had arrived in the clear.
 */
final class StanzaRebuilder {
    private StanzaRebuilder() {
    }

    static Stanza rebuild(StanzaKind kind, String content, Stanza outer) throws EnvelopeException {
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
}
