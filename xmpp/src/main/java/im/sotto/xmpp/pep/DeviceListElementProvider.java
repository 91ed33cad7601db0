package im.sotto.xmpp.pep;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import im.sotto.xmpp.element.SottoParsingException;
import im.sotto.xmpp.element.StrictXml;

import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.provider.ExtensionElementProvider;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

/** Parses {@link DeviceListElement}: only {@code <device id/>} children, no duplicates, bounded count. */
public final class DeviceListElementProvider extends ExtensionElementProvider<DeviceListElement> {
    public static final DeviceListElementProvider INSTANCE = new DeviceListElementProvider();

    private static final Set<String> DEVICE_ATTRIBUTES = Set.of("id");

    @Override
    public DeviceListElement parse(XmlPullParser parser, int initialDepth, XmlEnvironment xmlEnvironment)
            throws XmlPullParserException, IOException, SottoParsingException {
        StrictXml.allowOnlyAttributes(parser, Set.of());
        List<DeviceId> devices = new ArrayList<>();
        while (true) {
            XmlPullParser.Event event = parser.next();
            if (event == XmlPullParser.Event.START_ELEMENT) {
                if (!DeviceListElement.DEVICE.equals(parser.getName())
                        || !DeviceListElement.NAMESPACE.equals(parser.getNamespace())) {
                    throw new SottoParsingException("unexpected <" + parser.getName() + "/> in <devices/>");
                }
                StrictXml.allowOnlyAttributes(parser, DEVICE_ATTRIBUTES);
                DeviceId device;
                try {
                    device = DeviceId.parse(StrictXml.requireAttribute(parser, "id"));
                } catch (NumberFormatException e) {
                    throw new SottoParsingException(e.getMessage());
                }
                if (devices.contains(device)) {
                    throw new SottoParsingException("device " + device + " listed twice");
                }
                if (devices.size() == DeviceListElement.MAX_DEVICES) {
                    throw new SottoParsingException("more than " + DeviceListElement.MAX_DEVICES + " devices");
                }
                devices.add(device);
                if (!StrictXml.readTextOnly(parser, 64).isBlank()) {
                    throw new SottoParsingException("<device/> must be empty");
                }
            } else if (event == XmlPullParser.Event.TEXT_CHARACTERS && !parser.getText().isBlank()) {
                throw new SottoParsingException("text inside <devices/>");
            } else if (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == initialDepth) {
                return new DeviceListElement(devices);
            } else if (event == XmlPullParser.Event.END_DOCUMENT) {
                throw new SottoParsingException("document ended inside <devices/>");
            }
        }
    }
}
