package im.sotto.xmpp.pep;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;

import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.util.XmlStringBuilder;

/**
 * A list of statements the account key signed, as a PEP item payload (docs/protocol.md 7.7, 7.8):
 * {@code <revocations xmlns='https://sotto.im/protocol/1'>base64</revocations>} or {@code <labels ...>base64</labels>}.
 * The bytes are opaque here; the core parses and verifies them ({@code RevocationList}, {@code DeviceLabels}).
 */
public final class StatementListElement implements ExtensionElement {
    public static final String NAMESPACE = SottoEncrypted.NAMESPACE;
    public static final String REVOCATIONS = "revocations";
    public static final String LABELS = "labels";
    /** A Sotto device's OMEMO device ids (docs/protocol.md 10.13), 64 of 77 bytes at most. */
    public static final String OMEMO_SIDES = "omemo-sides";
    static final Set<String> ELEMENTS = Set.of(REVOCATIONS, LABELS, OMEMO_SIDES);
    /** 64 revocations of 77 bytes, or 64 labels of at most 142: under 9.1 KiB; 16 KiB leaves no room for abuse. */
    public static final int MAX_BYTES = 16 * 1024;

    private final String element;
    private final byte[] list;

    public StatementListElement(String element, byte[] list) {
        Objects.requireNonNull(list, "list");
        if (!ELEMENTS.contains(element)) {
            throw new IllegalArgumentException("not a statement list: " + element);
        }
        if (list.length == 0 || list.length > MAX_BYTES) {
            throw new IllegalArgumentException("a statement list is 1.." + MAX_BYTES + " bytes, not " + list.length);
        }
        this.element = element;
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
        return element;
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
        return other instanceof StatementListElement s && s.element.equals(element) && Arrays.equals(s.list, list);
    }

    @Override
    public int hashCode() {
        return element.hashCode() * 31 + Arrays.hashCode(list);
    }
}
