package im.sotto.xmpp.element;

import java.io.IOException;

import org.jivesoftware.smack.packet.IqData;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.provider.IqProvider;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

/**
 * Parses {@link SottoEncryptedIq}. Without it Smack would see an unknown IQ child and answer a request with
 * {@code feature-not-implemented} before any handler could decrypt it.
 */
public final class SottoEncryptedIqProvider extends IqProvider<SottoEncryptedIq> {
    public static final SottoEncryptedIqProvider INSTANCE = new SottoEncryptedIqProvider();

    @Override
    public SottoEncryptedIq parse(XmlPullParser parser, int initialDepth, IqData iqData, XmlEnvironment environment)
            throws XmlPullParserException, IOException, SottoParsingException {
        return new SottoEncryptedIq(iqData.getType(), SottoEncryptedProvider.parseElement(parser));
    }
}
