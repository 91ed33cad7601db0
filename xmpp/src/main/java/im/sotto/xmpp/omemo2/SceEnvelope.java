package im.sotto.xmpp.omemo2;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;

import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoFailure;
import im.sotto.protocol.omemo2.SceAffixes;
import im.sotto.xmpp.omemo.AxolotlXml;
import im.sotto.xmpp.omemo.AxolotlXml.AxolotlXmlException;

import org.jivesoftware.smack.util.PacketParserUtils;
import org.jivesoftware.smack.util.StringUtils;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;
import org.jxmpp.util.XmppDateTime;

/**
 * The SCE envelope (XEP-0420, {@code urn:xmpp:sce:1}) an OMEMO 2 payload encrypts: the message body in
 * {@code <content>}, and the affixes OMEMO's profile asks for ({@code rpad}, {@code time}, {@code to},
 * {@code from}). {@link #write} makes one, {@link #read} reads one strictly; what the affixes must say is decided by
 * {@link SceAffixes#check}.
 *
 * @param body the {@code <body xmlns='jabber:client'>} of the content, empty when the content has none (other
 *     content, such as a chat state, is not shown and not an error)
 */
public record SceEnvelope(Optional<String> body, SceAffixes affixes) {
    public static final String NAMESPACE = "urn:xmpp:sce:1";
    private static final String CLIENT_NAMESPACE = "jabber:client";
    /**
     * The random padding's longest length in characters: hides a short message's length among lengths up to about
     * a paragraph, as XEP-0420 suggests, at no more than 200 bytes per message.
     */
    static final int MAX_PADDING = 200;
    private static final String PADDING_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /** The envelope bytes for {@code body} sent from {@code from} to {@code to} at {@code time}. */
    public static byte[] write(String body, BareJid to, BareJid from, Instant time, SecureRandom random) {
        StringBuilder pad = new StringBuilder();
        int length = 1 + random.nextInt(MAX_PADDING);
        for (int i = 0; i < length; i++) {
            pad.append(PADDING_ALPHABET.charAt(random.nextInt(PADDING_ALPHABET.length())));
        }
        String xml = "<envelope xmlns='" + NAMESPACE + "'><content><body xmlns='" + CLIENT_NAMESPACE + "'>"
                + StringUtils.escapeForXmlText(body) + "</body></content><rpad>" + pad + "</rpad><time stamp='"
                + XmppDateTime.formatXEP0082Date(Date.from(time)) + "'/><to jid='"
                + StringUtils.escapeForXmlAttributeApos(to.toString()) + "'/><from jid='"
                + StringUtils.escapeForXmlAttributeApos(from.toString()) + "'/></envelope>";
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads an envelope; anything but a well-formed {@code <envelope/>} of SCE is ENVELOPE_MALFORMED. */
    public static SceEnvelope read(byte[] envelope) throws OmemoException {
        try {
            XmlPullParser parser = PacketParserUtils.getParserFor(new String(envelope, StandardCharsets.UTF_8));
            if (!"envelope".equals(parser.getName()) || !NAMESPACE.equals(parser.getNamespace())) {
                throw new AxolotlXmlException("not an SCE envelope");
            }
            return readEnvelope(parser, parser.getDepth());
        } catch (AxolotlXmlException e) {
            throw new OmemoException(OmemoFailure.ENVELOPE_MALFORMED, e.getMessage());
        } catch (XmlPullParserException | IOException | RuntimeException e) {
            throw new OmemoException(OmemoFailure.ENVELOPE_MALFORMED, "the envelope is not well-formed XML");
        }
    }

    private static SceEnvelope readEnvelope(XmlPullParser parser, int depth)
            throws XmlPullParserException, IOException, AxolotlXmlException {
        Optional<String> body = null;
        Optional<String> to = Optional.empty();
        Optional<String> from = Optional.empty();
        Optional<Instant> time = Optional.empty();
        boolean padded = false;
        while (true) {
            XmlPullParser.Event event = parser.next();
            if (event == XmlPullParser.Event.START_ELEMENT && parser.getDepth() == depth + 1) {
                if (!NAMESPACE.equals(parser.getNamespace())) {
                    AxolotlXml.skipTo(parser, depth + 1);
                    continue;
                }
                switch (parser.getName()) {
                    case "content" -> {
                        if (body != null) {
                            throw new AxolotlXmlException("two <content/>");
                        }
                        body = readContent(parser, depth + 1);
                    }
                    case "rpad" -> {
                        if (padded) {
                            throw new AxolotlXmlException("two <rpad/>");
                        }
                        AxolotlXml.text(parser, MAX_PADDING * 16);
                        padded = true;
                    }
                    case "to" -> to = Optional.of(once(to, parser));
                    case "from" -> from = Optional.of(once(from, parser));
                    case "time" -> {
                        if (time.isPresent()) {
                            throw new AxolotlXmlException("two <time/>");
                        }
                        time = Optional.of(stamp(AxolotlXml.requireAttribute(parser, "stamp")));
                        AxolotlXml.skipTo(parser, depth + 1);
                    }
                    // Affixes of other profiles are not ours to judge (XEP-0420 lets profiles add their own).
                    default -> AxolotlXml.skipTo(parser, depth + 1);
                }
            } else if (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == depth) {
                break;
            } else if (event == XmlPullParser.Event.END_DOCUMENT) {
                throw new AxolotlXmlException("document ended inside <envelope/>");
            }
        }
        if (body == null) {
            throw new AxolotlXmlException("no <content/>");
        }
        return new SceEnvelope(body, new SceAffixes(to, from, time, padded));
    }

    private static Optional<String> readContent(XmlPullParser parser, int depth)
            throws XmlPullParserException, IOException, AxolotlXmlException {
        Optional<String> body = Optional.empty();
        while (true) {
            XmlPullParser.Event event = parser.next();
            if (event == XmlPullParser.Event.START_ELEMENT && parser.getDepth() == depth + 1) {
                if ("body".equals(parser.getName()) && CLIENT_NAMESPACE.equals(parser.getNamespace())) {
                    if (body.isPresent()) {
                        throw new AxolotlXmlException("two bodies");
                    }
                    body = Optional.of(AxolotlXml.text(parser, im.sotto.protocol.omemo.OmemoLimits.MAX_PAYLOAD_LENGTH));
                } else {
                    AxolotlXml.skipTo(parser, depth + 1);
                }
            } else if (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == depth) {
                return body;
            } else if (event == XmlPullParser.Event.END_DOCUMENT) {
                throw new AxolotlXmlException("document ended inside <content/>");
            }
        }
    }

    /** A {@code to}/{@code from} affix: its JID as a normalised bare JID (a full JID names its account). */
    private static String once(Optional<String> seen, XmlPullParser parser)
            throws XmlPullParserException, IOException, AxolotlXmlException {
        String name = parser.getName();
        if (seen.isPresent()) {
            throw new AxolotlXmlException("two <" + name + "/>");
        }
        String value = AxolotlXml.requireAttribute(parser, "jid");
        AxolotlXml.skipTo(parser, parser.getDepth());
        try {
            return JidCreate.from(value).asBareJid().toString();
        } catch (XmppStringprepException e) {
            throw new AxolotlXmlException("<" + name + "/> holds no JID");
        }
    }

    private static Instant stamp(String value) throws AxolotlXmlException {
        try {
            return XmppDateTime.parseXEP0082Date(value).toInstant();
        } catch (ParseException | RuntimeException e) {
            throw new AxolotlXmlException("<time/> stamp is not an XEP-0082 date");
        }
    }
}
