package im.sotto.xmpp.pep;

import java.io.IOException;
import java.util.Set;

import im.sotto.xmpp.element.SottoParsingException;
import im.sotto.xmpp.element.StrictXml;

import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.provider.ExtensionElementProvider;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

/** Parses {@link StatementListElement}: no attributes, base64 text only, bounded size. */
public final class StatementListElementProvider extends ExtensionElementProvider<StatementListElement> {
    public static final StatementListElementProvider INSTANCE = new StatementListElementProvider();

    @Override
    public StatementListElement parse(XmlPullParser parser, int initialDepth, XmlEnvironment xmlEnvironment)
            throws XmlPullParserException, IOException, SottoParsingException {
        String element = parser.getName();
        if (!StatementListElement.ELEMENTS.contains(element)) {
            throw new SottoParsingException("not a statement list: <" + element + "/>");
        }
        StrictXml.allowOnlyAttributes(parser, Set.of());
        String text = StrictXml.readTextOnly(parser, StrictXml.base64Length(StatementListElement.MAX_BYTES));
        byte[] list = StrictXml.decodeBase64(text, "<" + element + "/>");
        if (list.length == 0) {
            throw new SottoParsingException("<" + element + "/> is empty");
        }
        return new StatementListElement(element, list);
    }
}
