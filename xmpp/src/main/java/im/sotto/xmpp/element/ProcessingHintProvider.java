package im.sotto.xmpp.element;

import java.io.IOException;
import java.util.Set;

import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.provider.ExtensionElementProvider;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

/** Parses one kind of XEP-0334 hint; the hints are empty elements without attributes. */
public final class ProcessingHintProvider extends ExtensionElementProvider<ProcessingHint> {
    private final ProcessingHint hint;

    public ProcessingHintProvider(ProcessingHint hint) {
        this.hint = hint;
    }

    @Override
    public ProcessingHint parse(XmlPullParser parser, int initialDepth, XmlEnvironment xmlEnvironment)
            throws XmlPullParserException, IOException, SottoParsingException {
        StrictXml.allowOnlyAttributes(parser, Set.of());
        if (!StrictXml.readTextOnly(parser, 64).isBlank()) {
            throw new SottoParsingException("<" + hint.getElementName() + "/> must be empty");
        }
        return hint;
    }
}
