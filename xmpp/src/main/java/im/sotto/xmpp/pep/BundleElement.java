package im.sotto.xmpp.pep;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

import javax.xml.namespace.QName;

import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.util.XmlStringBuilder;

/**
 * A device's published bundle as a PEP item payload: {@code <bundle xmlns='https://sotto.im/protocol/1'>base64</bundle>}.
 * The bytes are opaque here; the protocol core defines and verifies them.
 */
public final class BundleElement implements ExtensionElement {
    public static final String NAMESPACE = SottoEncrypted.NAMESPACE;
    public static final String ELEMENT = "bundle";
    public static final QName QNAME = new QName(NAMESPACE, ELEMENT);
    /**
     * 64 KiB: a bundle with 100 one-time X25519 prekeys, an ML-KEM-768 prekey and a certificate is under 8 KiB;
     * the limit leaves room for growth while keeping a hostile bundle from costing much.
     */
    public static final int MAX_BYTES = 64 * 1024;

    private final byte[] bundle;

    public BundleElement(byte[] bundle) {
        Objects.requireNonNull(bundle, "bundle");
        if (bundle.length == 0 || bundle.length > MAX_BYTES) {
            throw new IllegalArgumentException("a bundle is 1.." + MAX_BYTES + " bytes, not " + bundle.length);
        }
        this.bundle = bundle.clone();
    }

    public byte[] bundle() {
        return bundle.clone();
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
        xml.append(Base64.getEncoder().encodeToString(bundle));
        xml.closeElement(this);
        return xml;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BundleElement && Arrays.equals(((BundleElement) other).bundle, bundle);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bundle);
    }
}
