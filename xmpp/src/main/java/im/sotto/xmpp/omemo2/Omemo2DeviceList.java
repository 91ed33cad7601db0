package im.sotto.xmpp.omemo2;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import javax.xml.namespace.QName;

import im.sotto.protocol.omemo.OmemoDeviceId;
import im.sotto.xmpp.omemo.AxolotlXml;
import im.sotto.xmpp.omemo.AxolotlXml.AxolotlXmlException;

import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.provider.ExtensionElementProvider;
import org.jivesoftware.smack.util.XmlStringBuilder;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

/**
 * OMEMO 2's device list, {@code <devices xmlns='urn:xmpp:omemo:2'><device id='N' label='...'/>...</devices>}, the item
 * {@code current} of {@code urn:xmpp:omemo:2:devices}. Labels are kept only to publish them again unchanged (another
 * client's label is not ours to drop). A list that does not parse is malformed with its reason.
 */
public final class Omemo2DeviceList implements ExtensionElement {
    public static final String ELEMENT = "devices";
    public static final QName QNAME = new QName(Omemo2Names.NAMESPACE, ELEMENT);
    /** Devices one list may name: far above any real account, bounds the bundles a hostile list makes us fetch. */
    static final int MAX_DEVICES = 64;
    private static final int MAX_LABEL_CHARS = 256;

    /** One listed device. */
    public record Device(int id, Optional<String> label) {
    }

    private final List<Device> devices;
    private final String malformed;

    private Omemo2DeviceList(List<Device> devices, String malformed) {
        this.devices = devices;
        this.malformed = malformed;
    }

    public static Omemo2DeviceList of(List<Device> devices) {
        return new Omemo2DeviceList(List.copyOf(devices), null);
    }

    public List<Device> devices() {
        return devices;
    }

    public List<Integer> ids() {
        return devices.stream().map(Device::id).toList();
    }

    public Optional<String> malformedReason() {
        return Optional.ofNullable(malformed);
    }

    /** This list with {@code id} added (after the others) unless it is listed already. */
    public Omemo2DeviceList with(int id) {
        if (ids().contains(id)) {
            return this;
        }
        List<Device> more = new ArrayList<>(devices);
        more.add(new Device(id, Optional.empty()));
        return of(more);
    }

    @Override
    public String getNamespace() {
        return Omemo2Names.NAMESPACE;
    }

    @Override
    public String getElementName() {
        return ELEMENT;
    }

    @Override
    public XmlStringBuilder toXML(XmlEnvironment enclosingNamespace) {
        XmlStringBuilder xml = new XmlStringBuilder(this, enclosingNamespace);
        xml.rightAngleBracket();
        for (Device d : devices) {
            xml.halfOpenElement("device").attribute("id", Integer.toUnsignedString(d.id()));
            d.label().ifPresent(l -> xml.attribute("label", l));
            xml.closeEmptyElement();
        }
        xml.closeElement(this);
        return xml;
    }

    /** The strict parser: ids valid and distinct, at most {@link #MAX_DEVICES}, no other elements. */
    public static final class Provider extends ExtensionElementProvider<Omemo2DeviceList> {
        public static final Provider INSTANCE = new Provider();

        @Override
        public Omemo2DeviceList parse(XmlPullParser parser, int initialDepth, XmlEnvironment xmlEnvironment)
                throws XmlPullParserException, IOException {
            try {
                return read(parser, initialDepth);
            } catch (AxolotlXmlException e) {
                AxolotlXml.skipTo(parser, initialDepth);
                return new Omemo2DeviceList(List.of(), e.getMessage());
            }
        }

        private static Omemo2DeviceList read(XmlPullParser parser, int initialDepth)
                throws XmlPullParserException, IOException, AxolotlXmlException {
            List<Device> devices = new ArrayList<>();
            TreeSet<Integer> seen = new TreeSet<>();
            while (true) {
                XmlPullParser.Event event = parser.next();
                if (event == XmlPullParser.Event.START_ELEMENT) {
                    if (!"device".equals(parser.getName()) || parser.getDepth() != initialDepth + 1) {
                        throw new AxolotlXmlException("unexpected <" + parser.getName() + "/> in the device list");
                    }
                    int id = (int) AxolotlXml.requireId(parser, "id", OmemoDeviceId.MIN, OmemoDeviceId.MAX);
                    if (!seen.add(id)) {
                        throw new AxolotlXmlException("device " + id + " listed twice");
                    }
                    if (devices.size() == MAX_DEVICES) {
                        throw new AxolotlXmlException("more than " + MAX_DEVICES + " devices");
                    }
                    String label = parser.getAttributeValue("", "label");
                    if (label != null && label.length() > MAX_LABEL_CHARS) {
                        throw new AxolotlXmlException("label longer than " + MAX_LABEL_CHARS + " characters");
                    }
                    devices.add(new Device(id, Optional.ofNullable(label)));
                } else if (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == initialDepth) {
                    return of(devices);
                } else if (event == XmlPullParser.Event.END_DOCUMENT) {
                    throw new AxolotlXmlException("document ended inside <devices/>");
                }
            }
        }
    }
}
