package im.sotto.xmpp.element;

import java.io.IOException;
import java.util.Set;

import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.provider.ExtensionElementProvider;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

/** Parses the XEP-0380 hint: {@code namespace} required, {@code name} optional, no content. */
public final class ExplicitEncryptionProvider extends ExtensionElementProvider<ExplicitEncryption> {
    public static final ExplicitEncryptionProvider INSTANCE = new ExplicitEncryptionProvider();

    private static final Set<String> ATTRIBUTES = Set.of("namespace", "name");
    /** Namespaces and names are short identifiers; anything longer is not a hint we need to show. */
    private static final int MAX_TEXT = 1024;

    @Override
    public ExplicitEncryption parse(XmlPullParser parser, int initialDepth, XmlEnvironment xmlEnvironment)
            throws XmlPullParserException, IOException, SottoParsingException {
        StrictXml.allowOnlyAttributes(parser, ATTRIBUTES);
        String namespace = StrictXml.requireAttribute(parser, "namespace");
        String name = parser.getAttributeValue("", "name");
        if (namespace.length() > MAX_TEXT || (name != null && name.length() > MAX_TEXT)) {
            throw new SottoParsingException("<encryption/> attribute longer than " + MAX_TEXT + " characters");
        }
        if (!StrictXml.readTextOnly(parser, MAX_TEXT).isBlank()) {
            throw new SottoParsingException("<encryption/> must be empty");
        }
        return new ExplicitEncryption(namespace, name);
    }
}
