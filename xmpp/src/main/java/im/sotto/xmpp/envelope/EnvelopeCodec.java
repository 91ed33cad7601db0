package im.sotto.xmpp.envelope;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

import im.sotto.xmpp.element.SottoEncrypted;
import im.sotto.xmpp.envelope.EnvelopeException.Kind;

import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.util.PacketParserUtils;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;

/**
 * Turns a stanza's content into XEP-0420 envelope bytes and back.
 *
 * <pre>{@code
 * <envelope xmlns='urn:xmpp:sce:1'>
 *   <content>...every child of the original stanza, jabber:client left undeclared...</content>
 *   <rpad>...</rpad><time stamp='...'/>
 * </envelope>}</pre>
 *
 * <p>Sealing keeps the stanza's children (body, thread, status, the iq query, errors, extensions) and leaves the
 * routing attributes ({@code to}, {@code type}, {@code id}) to the outer stanza. There are no {@code <to/>} and
 * {@code <from/>} affixes: the associated data of every ratchet and first message binds the recipient's account and
 * the sender's full JID ({@code Wire.associatedData}, docs/protocol.md 7.2), which is what the affixes were checked
 * against, and a stanza that fails it spends no message key. Opening checks the affixes an envelope sealed before
 * they were dropped still has against the outer stanza, and rebuilds a stanza of the same kind with the outer
 * routing and the inner content, parsed by Smack's providers as if it had arrived in the clear. Every problem is an
 * {@link EnvelopeException}. Reading the bytes is {@link EnvelopeParser}'s work, rebuilding the stanza
 * {@link StanzaRebuilder}'s.
 */
public final class EnvelopeCodec {
    public static final String NAMESPACE = "urn:xmpp:sce:1";

    /** {@code <rpad></rpad>}: what the padding element costs with no padding in it. */
    private static final int RPAD_OVERHEAD = "<rpad></rpad>".length();
    private static final char PAD_CHARACTER = '.';

    private final Clock clock;

    public EnvelopeCodec(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Seals the content of {@code stanza} (a message, a directed presence or an iq, with a recipient), padded to a
     * {@link PaddingBuckets} size. Returns UTF-8 XML.
     */
    public byte[] seal(Stanza stanza) throws EnvelopeException {
        return seal(stanza, clock.instant());
    }

    /**
     * As above, with {@code sentAt} in the time affix: when the user sent it, for a stanza that waited in the outbox
     * and is encrypted later.
     */
    public byte[] seal(Stanza stanza, Instant sentAt) throws EnvelopeException {
        Objects.requireNonNull(sentAt, "sentAt");
        StanzaKind kind = StanzaKind.of(stanza);
        if (stanza.getTo() == null) {
            throw new EnvelopeException(Kind.UNSUPPORTED_STANZA, kind == StanzaKind.PRESENCE
                    ? "broadcast presence is one-to-many and not carried by Sotto; direct it to a JID"
                    : "the stanza has no recipient");
        }
        StringBuilder head = new StringBuilder(256);
        head.append("<envelope xmlns='").append(NAMESPACE).append("'><content>");
        copyChildren(stanza, head);
        head.append("</content>");
        StringBuilder tail = new StringBuilder(48);
        tail.append("<time stamp='").append(formatTime(sentAt)).append("'/></envelope>");

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
        ParsedEnvelope parsed = EnvelopeParser.parse(envelope);
        checkAffixes(parsed, outer);
        return new OpenedStanza(kind, StanzaRebuilder.rebuild(kind, parsed.content(), outer), parsed.time());
    }

    /** A message this device sealed before, read back from its own log to be sealed again under a new session. */
    public record SentMessage(org.jivesoftware.smack.packet.Message message, Instant sentAt) {
    }

    /**
     * Rebuilds the message this device sealed as {@code envelope} (from its message log) for {@code recipient} (the
     * log entry's peer), with its original {@code id} and {@code type}, and {@code extra} (XML) after its content,
     * with the time the user sent it, for {@link #seal(Stanza, Instant)} again (docs/protocol.md 7.3, "Sent again
     * under the new session"). An envelope logged when envelopes still carried a {@code <to/>} affix goes to the JID
     * it names, as it did then.
     */
    public SentMessage reopenSent(byte[] envelope, BareJid recipient, String id,
            org.jivesoftware.smack.packet.Message.Type type, String extra) throws EnvelopeException {
        Objects.requireNonNull(recipient, "recipient");
        ParsedEnvelope parsed = EnvelopeParser.parse(envelope);
        StringBuilder xml = new StringBuilder(parsed.content().length() + extra.length() + 200);
        xml.append("<message xmlns='jabber:client' type='").append(type.name()).append("' id='");
        XmlSubtreeWriter.escape(id, xml, true);
        xml.append("' to='");
        XmlSubtreeWriter.escape(parsed.to().orElse(recipient), xml, true);
        xml.append("'>").append(parsed.content()).append(extra).append("</message>");
        try {
            return new SentMessage((org.jivesoftware.smack.packet.Message) PacketParserUtils.parseStanza(
                    xml.toString()), parsed.time());
        } catch (Exception e) {
            throw new EnvelopeException(Kind.CONTENT_UNPARSEABLE, "a logged envelope no longer parses", e);
        }
    }

    private static void copyChildren(Stanza stanza, StringBuilder out) throws EnvelopeException {
        try {
            XmlPullParser parser = PacketParserUtils.getParserFor(stanza.toXML().toString());
            int rootDepth = parser.getDepth();
            while (true) {
                XmlPullParser.Event event = parser.next();
                if (event == XmlPullParser.Event.START_ELEMENT) {
                    rejectNestedSotto(parser);
                    XmlSubtreeWriter.copyContentChild(parser, out, XmlSubtreeWriter.Direction.SEALING);
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
     * sender nests them, so both sides refuse. (An element of the envelope's own namespace is refused by the sealer
     * and read as {@code jabber:client} by the opener: {@link XmlSubtreeWriter}.)
     */
    static void rejectNestedSotto(XmlPullParser parser) throws EnvelopeException {
        if (SottoEncrypted.NAMESPACE.equals(parser.getNamespace())) {
            throw new EnvelopeException(Kind.UNEXPECTED_ELEMENT,
                    "<" + parser.getName() + " xmlns='" + parser.getNamespace() + "'/> may not be nested in an envelope");
        }
    }

    /**
     * The affixes of an envelope sealed before they were dropped (the associated data binds both now). A {@code <to/>}
     * is compared as a bare JID: a server may deliver a message sent to one resource (or to the bare JID) to another
     * resource or to offline storage, as RFC 6121 allows. A {@code <from/>} must match exactly: servers stamp the real
     * full JID on every stanza they route, and the sealer wrote its own full JID.
     */
    private static void checkAffixes(ParsedEnvelope parsed, Stanza outer) throws EnvelopeException {
        Jid outerTo = outer.getTo();
        Jid outerFrom = outer.getFrom();
        if (parsed.to().isPresent() && (outerTo == null
                || !parsed.to().get().asBareJid().equals(outerTo.asBareJid()))) {
            throw new EnvelopeException(Kind.TO_MISMATCH,
                    "sealed for " + parsed.to().get() + " but delivered to " + outerTo);
        }
        if (parsed.from().isPresent() && (outerFrom == null || !parsed.from().get().equals(outerFrom))) {
            throw new EnvelopeException(Kind.FROM_MISMATCH,
                    "sealed by " + parsed.from().get() + " but sent from " + outerFrom);
        }
    }

    /**
     * XEP-0082 in UTC, whole seconds: the time is shown to people (to the second at most) and is only the sender's
     * claim, so milliseconds added 4 bytes to every stanza and nothing a reader could rely on.
     */
    private static String formatTime(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    private static int utf8Length(CharSequence text) {
        return text.toString().getBytes(StandardCharsets.UTF_8).length;
    }
}
