package im.sotto.xmpp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jivesoftware.smack.packet.Element;
import org.jivesoftware.smack.parsing.SmackParsingException;
import org.jivesoftware.smack.provider.Provider;
import org.jivesoftware.smack.util.PacketParserUtils;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

/**
 * Feeds fuzz inputs to Sotto's providers the way Smack does: the bytes as UTF-8 text (malformed sequences become
 * U+FFFD, as a decoder in front of the parser would make them), through {@link PacketParserUtils#getParserFor}.
 * The outcomes allowed are a parsed element or Smack's parsing exceptions ({@link SmackParsingException}, which
 * includes {@code SottoParsingException}, {@link XmlPullParserException}, {@link IOException}); anything else
 * propagates as a finding.
 */
public final class XmlFuzz {
    private XmlFuzz() {}

    public interface Parse<E> {
        E parse(XmlPullParser parser) throws XmlPullParserException, IOException, SmackParsingException;
    }

    /** The element, or null for a typed refusal. */
    public static <E> E parseOrNull(byte[] data, Parse<E> provider) {
        String xml = new String(data, StandardCharsets.UTF_8);
        try {
            return provider.parse(PacketParserUtils.getParserFor(xml));
        } catch (SmackParsingException | XmlPullParserException | IOException expected) {
            return null;
        }
    }

    /** Parses; whatever parses must be written back to XML that parses to an equal element. */
    public static <E extends Element> void parseAndRoundTrip(byte[] data, Provider<E> provider) {
        E element = parseOrNull(data, provider::parse);
        if (element != null) {
            E again = parseOrNull(element.toXML().toString().getBytes(StandardCharsets.UTF_8), provider::parse);
            assertEquals(element, again, "an element that parses is written back to XML that parses to it");
        }
    }
}
