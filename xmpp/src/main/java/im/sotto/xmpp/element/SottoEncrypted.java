package im.sotto.xmpp.element;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

import javax.xml.namespace.QName;

import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.util.XmlStringBuilder;

/**
 * Sotto's {@code <encrypted kind='...'>base64</encrypted>}: the only Sotto data a server sees in a stanza.
 *
 * <p>The one attribute, {@code kind}, lets the receiver pick the right decoder before any cryptography, and it
 * tells the server nothing it cannot already infer (handshakes also carry no-store hints, see
 * {@code OuterStanzas}). It is left out for a ratchet message, by far the most common kind: a missing {@code kind}
 * means {@code ratchet} (docs/protocol.md 7.1), which saves its 15 bytes in nearly every stanza. Everything else —
 * version, session and key identifiers, the recipient device — is inside the payload, because a value visible here
 * would be a stable identifier across sessions.
 */
public final class SottoEncrypted implements ExtensionElement {
    /** Sotto's own namespace: not under {@code urn:xmpp:}, which the XSF reserves for its own specifications. */
    public static final String NAMESPACE = "https://sotto.im/protocol/1";
    public static final String ELEMENT = "encrypted";
    public static final QName QNAME = new QName(NAMESPACE, ELEMENT);
    public static final String KIND_ATTRIBUTE = "kind";

    /**
     * Largest payload accepted, 160 KiB: the largest padded envelope (128 KiB, see {@code PaddingBuckets}) plus
     * 32 KiB for ratchet headers and first-message key material. Its base64 (213 KiB) plus the rest of the stanza
     * stays below the 256 KiB c2s stanza limit of Prosody's defaults and ejabberd's example configuration.
     */
    public static final int MAX_PAYLOAD_BYTES = 160 * 1024;

    /** What the payload is, so the receiver knows which decoder to use. */
    public enum Kind {
        /** A message of the online handshake (Noise). */
        HANDSHAKE("handshake"),
        /** The first message of an offline session, built on the peer's published bundle. */
        FIRST_MESSAGE("first-message"),
        /** A message in an established Double Ratchet session; the kind of an element without the attribute. */
        RATCHET("ratchet");

        /** What an element without the {@code kind} attribute is. */
        public static final Kind DEFAULT = RATCHET;

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        /**
         * The kind with this wire name; an unknown (or empty) name is an error, never a default. (A missing attribute
         * is {@link #DEFAULT}: the provider's decision, not this method's.)
         */
        public static Kind fromWireName(String wireName) throws SottoParsingException {
            for (Kind kind : values()) {
                if (kind.wireName.equals(wireName)) {
                    return kind;
                }
            }
            throw new SottoParsingException("unknown kind '" + wireName + "'");
        }
    }

    private final Kind kind;
    private final byte[] payload;

    public SottoEncrypted(Kind kind, byte[] payload) {
        this.kind = Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(payload, "payload");
        if (payload.length == 0 || payload.length > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payload must be 1.." + MAX_PAYLOAD_BYTES + " bytes, not " + payload.length);
        }
        this.payload = payload.clone();
    }

    public Kind kind() {
        return kind;
    }

    /** A copy of the binary payload. */
    public byte[] payload() {
        return payload.clone();
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
        writeKind(xml, kind);
        xml.rightAngleBracket();
        xml.append(Base64.getEncoder().encodeToString(payload));
        xml.closeElement(this);
        return xml;
    }

    /** The {@code kind} attribute, left out for {@link Kind#DEFAULT}. */
    static void writeKind(XmlStringBuilder xml, Kind kind) {
        if (kind != Kind.DEFAULT) {
            xml.attribute(KIND_ATTRIBUTE, kind.wireName());
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SottoEncrypted
                && ((SottoEncrypted) other).kind == kind
                && Arrays.equals(((SottoEncrypted) other).payload, payload);
    }

    @Override
    public int hashCode() {
        return 31 * kind.hashCode() + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "SottoEncrypted[" + kind.wireName() + ", " + payload.length + " bytes]";
    }
}
