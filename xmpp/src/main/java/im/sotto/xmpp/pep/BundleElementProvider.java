package im.sotto.xmpp.pep;

import java.io.IOException;
import java.util.Set;

import im.sotto.xmpp.element.SottoParsingException;
import im.sotto.xmpp.element.StrictXml;

import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.provider.ExtensionElementProvider;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

/** Parses {@link BundleElement}: no attributes, base64 text only, bounded size. */
public final class BundleElementProvider extends ExtensionElementProvider<BundleElement> {
    public static final BundleElementProvider INSTANCE = new BundleElementProvider();

    @Override
    public BundleElement parse(XmlPullParser parser, int initialDepth, XmlEnvironment xmlEnvironment)
            throws XmlPullParserException, IOException, SottoParsingException {
        StrictXml.allowOnlyAttributes(parser, Set.of());
        String text = StrictXml.readTextOnly(parser, StrictXml.base64Length(BundleElement.MAX_BYTES));
        byte[] bundle = StrictXml.decodeBase64(text, "<bundle/>");
        if (bundle.length == 0) {
            throw new SottoParsingException("<bundle/> is empty");
        }
        return new BundleElement(bundle);
    }
}
