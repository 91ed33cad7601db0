package im.sotto.xmpp.pep;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;

import javax.xml.namespace.QName;

import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.util.XmlStringBuilder;

/** The account's device list as a PEP item payload: {@code <devices xmlns='...'><device id='N'/>...</devices>}. */
public final class DeviceListElement implements ExtensionElement {
    public static final String NAMESPACE = SottoEncrypted.NAMESPACE;
    public static final String ELEMENT = "devices";
    public static final String DEVICE = "device";
    public static final QName QNAME = new QName(NAMESPACE, ELEMENT);
    /** A person has a handful of devices; 64 bounds the work a hostile list can cause (one bundle fetch each). */
    public static final int MAX_DEVICES = 64;

    private final List<DeviceId> devices;

    public DeviceListElement(Collection<DeviceId> devices) {
        LinkedHashSet<DeviceId> unique = new LinkedHashSet<>(devices);
        if (unique.size() != devices.size()) {
            throw new IllegalArgumentException("duplicate device id in " + devices);
        }
        if (unique.size() > MAX_DEVICES) {
            throw new IllegalArgumentException("more than " + MAX_DEVICES + " devices");
        }
        this.devices = Collections.unmodifiableList(new ArrayList<>(unique));
    }

    public List<DeviceId> devices() {
        return devices;
    }

    @Override
    public String getNamespace() {
        return NAMESPACE;
    }

    @Override
    public String getElementName() {
        return ELEMENT;
    }

    @Override
    public XmlStringBuilder toXML(XmlEnvironment enclosingNamespace) {
        XmlStringBuilder xml = new XmlStringBuilder(this, enclosingNamespace);
        if (devices.isEmpty()) {
            xml.closeEmptyElement();
            return xml;
        }
        xml.rightAngleBracket();
        for (DeviceId device : devices) {
            xml.halfOpenElement(DEVICE).attribute("id", device.toString()).closeEmptyElement();
        }
        xml.closeElement(this);
        return xml;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DeviceListElement && ((DeviceListElement) other).devices.equals(devices);
    }

    @Override
    public int hashCode() {
        return devices.hashCode();
    }
}
