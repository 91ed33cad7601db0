package im.sotto.xmpp.element;

import java.io.IOException;
import java.util.Set;

import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.provider.ExtensionElementProvider;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

/**
 * Parses {@link SottoEncrypted} strictly: no attribute but {@code kind} (missing: a ratchet message; unknown or empty:
 * refused), base64 text only, bounded size.
 */
public final class SottoEncryptedProvider extends ExtensionElementProvider<SottoEncrypted> {
    public static final SottoEncryptedProvider INSTANCE = new SottoEncryptedProvider();

    private static final Set<String> ATTRIBUTES = Set.of(SottoEncrypted.KIND_ATTRIBUTE);

    @Override
    public SottoEncrypted parse(XmlPullParser parser, int initialDepth, XmlEnvironment xmlEnvironment)
            throws XmlPullParserException, IOException, SottoParsingException {
        return parseElement(parser);
    }

    /** Shared with the IQ provider: the parser stands on the start tag and is left on the end tag. */
    static SottoEncrypted parseElement(XmlPullParser parser)
            throws XmlPullParserException, IOException, SottoParsingException {
        StrictXml.allowOnlyAttributes(parser, ATTRIBUTES);
        String wireName = parser.getAttributeValue("", SottoEncrypted.KIND_ATTRIBUTE);
        SottoEncrypted.Kind kind = wireName == null ? SottoEncrypted.Kind.DEFAULT
                : SottoEncrypted.Kind.fromWireName(wireName);
        String text = StrictXml.readTextOnly(parser, StrictXml.base64Length(SottoEncrypted.MAX_PAYLOAD_BYTES));
        byte[] payload = StrictXml.decodeBase64(text, "the payload of <encrypted/>");
        if (payload.length == 0) {
            throw new SottoParsingException("<encrypted/> has an empty payload");
        }
        return new SottoEncrypted(kind, payload);
    }
}
