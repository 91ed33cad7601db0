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
 * The account's revocation list as a PEP item payload:
 * {@code <revocations xmlns='https://sotto.im/protocol/1'>base64</revocations>} (docs/protocol.md 7.7). The bytes
 * are opaque here; the core parses and verifies them ({@code RevocationList}).
 */
public final class RevocationListElement implements ExtensionElement {
    public static final String NAMESPACE = SottoEncrypted.NAMESPACE;
    public static final String ELEMENT = "revocations";
    public static final QName QNAME = new QName(NAMESPACE, ELEMENT);
    /** 64 statements of 77 bytes and the 2-byte header: 4,930 bytes; 8 KiB leaves no room for a hostile item. */
    public static final int MAX_BYTES = 8 * 1024;

    private final byte[] list;

    public RevocationListElement(byte[] list) {
        Objects.requireNonNull(list, "list");
        if (list.length == 0 || list.length > MAX_BYTES) {
            throw new IllegalArgumentException("a revocation list is 1.." + MAX_BYTES + " bytes, not " + list.length);
        }
        this.list = list.clone();
    }

    public byte[] list() {
        return list.clone();
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
        xml.append(Base64.getEncoder().encodeToString(list));
        xml.closeElement(this);
        return xml;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RevocationListElement && Arrays.equals(((RevocationListElement) other).list, list);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(list);
    }
}
