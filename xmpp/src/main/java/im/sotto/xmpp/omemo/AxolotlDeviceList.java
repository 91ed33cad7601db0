package im.sotto.xmpp.omemo;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import javax.xml.namespace.QName;

import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.util.XmlStringBuilder;

/**
 * The OMEMO 0.3 device list, {@code <list xmlns='eu.siacs.conversations.axolotl'><device id='N'/>...</list>}, the
 * item of node {@value Axolotl#DEVICE_LIST_NODE}. As received, either the ids or the reason it is malformed.
 */
public final class AxolotlDeviceList implements ExtensionElement {
    public static final String ELEMENT = "list";
    public static final String NAMESPACE = Axolotl.NAMESPACE;
    public static final QName QNAME = new QName(NAMESPACE, ELEMENT);
    /** Devices one list may name: clients prune stale devices long before; bounds what a hostile list costs. */
    public static final int MAX_DEVICES = 128;

    private final List<Integer> devices;
    private final String malformed;

    private AxolotlDeviceList(List<Integer> devices, String malformed) {
        this.devices = devices;
        this.malformed = malformed;
    }

    public static AxolotlDeviceList of(Set<Integer> devices) {
        if (devices.size() > MAX_DEVICES) {
            throw new IllegalArgumentException("more than " + MAX_DEVICES + " devices");
        }
        return new AxolotlDeviceList(List.copyOf(new LinkedHashSet<>(devices)), null);
    }

    static AxolotlDeviceList malformed(String reason) {
        return new AxolotlDeviceList(List.of(), Objects.requireNonNull(reason));
    }

    /** The device ids in list order; empty for a malformed list. */
    public List<Integer> devices() {
        return devices;
    }

    public Optional<String> malformedReason() {
        return Optional.ofNullable(malformed);
    }

    /** This list with {@code device} added at the end (others kept, in their order). */
    public AxolotlDeviceList with(int device) {
        List<Integer> merged = new ArrayList<>(devices);
        if (!merged.contains(device)) {
            merged.add(device);
        }
        return of(new LinkedHashSet<>(merged));
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
        xml.rightAngleBracket();
        for (int id : devices) {
            xml.halfOpenElement("device").attribute("id", Integer.toUnsignedString(id)).closeEmptyElement();
        }
        xml.closeElement(this);
        return xml;
    }
}
