package im.sotto.xmpp.element;

import java.util.Objects;

import javax.xml.namespace.QName;

import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.util.XmlStringBuilder;

/**
 * XEP-0380 Explicit Message Encryption: {@code <encryption xmlns='urn:xmpp:eme:0' namespace='...' name='...'/>}
 * tells a client without Sotto that the message is encrypted and with what, so it can say so instead of showing
 * nothing.
 */
public final class ExplicitEncryption implements ExtensionElement {
    public static final String NAMESPACE = "urn:xmpp:eme:0";
    public static final String ELEMENT = "encryption";
    public static final QName QNAME = new QName(NAMESPACE, ELEMENT);

    /** The hint Sotto puts on every encrypted message. */
    public static final ExplicitEncryption SOTTO = new ExplicitEncryption(SottoEncrypted.NAMESPACE, "Sotto");

    private final String encryptionNamespace;
    private final String name;

    /** @param name a human-readable name, or null: XEP-0380 makes it optional for well-known namespaces */
    public ExplicitEncryption(String encryptionNamespace, String name) {
        this.encryptionNamespace = Objects.requireNonNull(encryptionNamespace, "encryptionNamespace");
        this.name = name;
    }

    public String encryptionNamespace() {
        return encryptionNamespace;
    }

    /** The human-readable name, or null when the sender gave none. */
    public String name() {
        return name;
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
        xml.attribute("namespace", encryptionNamespace);
        xml.optAttribute("name", name);
        xml.closeEmptyElement();
        return xml;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ExplicitEncryption
                && ((ExplicitEncryption) other).encryptionNamespace.equals(encryptionNamespace)
                && Objects.equals(((ExplicitEncryption) other).name, name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(encryptionNamespace, name);
    }
}
