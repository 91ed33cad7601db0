package im.sotto.xmpp.element;

import javax.xml.namespace.QName;

import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.util.XmlStringBuilder;

/**
 * XEP-0334 message processing hints, e.g. {@code <store xmlns='urn:xmpp:hints'/>}. Servers decide from the
 * outside of a message whether to keep it offline or in archives; an encrypted message has no readable body of
 * its own to convince them, so Sotto says so explicitly.
 */
public enum ProcessingHint implements ExtensionElement {
    /** Keep it (offline storage, archives) although it may look content-free. */
    STORE("store"),
    /** Keep it nowhere: for messages that are useless later, such as online handshake steps. */
    NO_STORE("no-store"),
    /** Keep it offline until delivery, but not in a permanent archive. */
    NO_PERMANENT_STORE("no-permanent-store"),
    /** Do not copy it to the user's other resources (carbons): they cannot use it. */
    NO_COPY("no-copy");

    public static final String NAMESPACE = "urn:xmpp:hints";

    private final String element;

    ProcessingHint(String element) {
        this.element = element;
    }

    public QName qname() {
        return new QName(NAMESPACE, element);
    }

    @Override
    public String getNamespace() {
        return NAMESPACE;
    }

    @Override
    public String getElementName() {
        return element;
    }

    @Override
    public XmlStringBuilder toXML(XmlEnvironment enclosingNamespace) {
        XmlStringBuilder xml = new XmlStringBuilder(this, enclosingNamespace);
        xml.closeEmptyElement();
        return xml;
    }
}
