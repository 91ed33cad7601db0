package im.sotto.xmpp.pep;

import java.io.IOException;
import java.util.Set;

import im.sotto.xmpp.element.SottoParsingException;
import im.sotto.xmpp.element.StrictXml;

import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.provider.ExtensionElementProvider;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

/** Parses {@link RevocationListElement}: no attributes, base64 text only, bounded size. */
public final class RevocationListElementProvider extends ExtensionElementProvider<RevocationListElement> {
    public static final RevocationListElementProvider INSTANCE = new RevocationListElementProvider();

    @Override
    public RevocationListElement parse(XmlPullParser parser, int initialDepth, XmlEnvironment xmlEnvironment)
            throws XmlPullParserException, IOException, SottoParsingException {
        StrictXml.allowOnlyAttributes(parser, Set.of());
        String text = StrictXml.readTextOnly(parser, StrictXml.base64Length(RevocationListElement.MAX_BYTES));
        byte[] list = StrictXml.decodeBase64(text, "<revocations/>");
        if (list.length == 0) {
            throw new SottoParsingException("<revocations/> is empty");
        }
        return new RevocationListElement(list);
    }
}
