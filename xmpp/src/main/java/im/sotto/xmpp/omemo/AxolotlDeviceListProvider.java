package im.sotto.xmpp.omemo;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

import im.sotto.protocol.omemo.OmemoDeviceId;
import im.sotto.xmpp.omemo.AxolotlXml.AxolotlXmlException;

import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.provider.ExtensionElementProvider;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

/**
 * Parses {@link AxolotlDeviceList}: {@code <device>} children with a valid, unrepeated {@code id}. Other attributes
 * on a device (some clients add a {@code label}) are ignored; any other child makes the list malformed.
 */
public final class AxolotlDeviceListProvider extends ExtensionElementProvider<AxolotlDeviceList> {
    public static final AxolotlDeviceListProvider INSTANCE = new AxolotlDeviceListProvider();

    @Override
    public AxolotlDeviceList parse(XmlPullParser parser, int initialDepth, XmlEnvironment xmlEnvironment)
            throws XmlPullParserException, IOException {
        Set<Integer> devices = new LinkedHashSet<>();
        try {
            while (true) {
                XmlPullParser.Event event = parser.next();
                if (event == XmlPullParser.Event.START_ELEMENT) {
                    if (!"device".equals(parser.getName())) {
                        throw new AxolotlXmlException("unexpected <" + parser.getName() + "/> in the device list");
                    }
                    int id = (int) AxolotlXml.requireId(parser, "id", OmemoDeviceId.MIN, OmemoDeviceId.MAX);
                    if (!devices.add(id)) {
                        throw new AxolotlXmlException("device " + id + " listed twice");
                    }
                    if (devices.size() > AxolotlDeviceList.MAX_DEVICES) {
                        throw new AxolotlXmlException("more than " + AxolotlDeviceList.MAX_DEVICES + " devices");
                    }
                    AxolotlXml.text(parser, 64);
                } else if (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == initialDepth) {
                    return AxolotlDeviceList.of(devices);
                } else if (event == XmlPullParser.Event.END_DOCUMENT) {
                    throw new AxolotlXmlException("document ended inside the device list");
                }
            }
        } catch (AxolotlXmlException e) {
            AxolotlXml.skipTo(parser, initialDepth);
            return AxolotlDeviceList.malformed(e.getMessage());
        }
    }
}
