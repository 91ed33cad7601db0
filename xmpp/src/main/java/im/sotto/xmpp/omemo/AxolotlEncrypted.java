package im.sotto.xmpp.omemo;

import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

import javax.xml.namespace.QName;

import im.sotto.protocol.omemo.EncryptedKey;
import im.sotto.protocol.omemo.OmemoMessage;

import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.util.XmlStringBuilder;

/**
 * OMEMO 0.3's {@code <encrypted xmlns='eu.siacs.conversations.axolotl'>}: a header ({@code sid}, one {@code <key>}
 * per recipient device, the IV) and the payload, absent in a key transport message. As received, it is either a
 * well-formed {@link OmemoMessage} or malformed with the reason (so the stanza still parses and the receiver can
 * report the refusal with its sender).
 */
public final class AxolotlEncrypted implements ExtensionElement {
    public static final String ELEMENT = "encrypted";
    public static final String NAMESPACE = Axolotl.NAMESPACE;
    public static final QName QNAME = new QName(NAMESPACE, ELEMENT);

    private final OmemoMessage message;
    private final String malformed;

    private AxolotlEncrypted(OmemoMessage message, String malformed) {
        this.message = message;
        this.malformed = malformed;
    }

    public static AxolotlEncrypted of(OmemoMessage message) {
        return new AxolotlEncrypted(Objects.requireNonNull(message, "message"), null);
    }

    static AxolotlEncrypted malformed(String reason) {
        return new AxolotlEncrypted(null, Objects.requireNonNull(reason, "reason"));
    }

    /** The message; empty when the element was malformed ({@link #malformedReason()}). */
    public Optional<OmemoMessage> message() {
        return Optional.ofNullable(message);
    }

    public Optional<String> malformedReason() {
        return Optional.ofNullable(malformed);
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
        if (message == null) {
            throw new IllegalStateException("a malformed element is never sent");
        }
        Base64.Encoder b64 = Base64.getEncoder();
        XmlStringBuilder xml = new XmlStringBuilder(this, enclosingNamespace);
        xml.rightAngleBracket();
        xml.halfOpenElement("header").attribute("sid", Integer.toUnsignedString(message.senderDeviceId()))
                .rightAngleBracket();
        for (EncryptedKey key : message.keys()) {
            xml.halfOpenElement("key");
            if (key.preKey()) {
                xml.attribute("prekey", "true");
            }
            xml.attribute("rid", Integer.toUnsignedString(key.recipientDeviceId())).rightAngleBracket();
            xml.append(b64.encodeToString(key.data()));
            xml.closeElement("key");
        }
        xml.element("iv", b64.encodeToString(message.iv()));
        xml.closeElement("header");
        message.payload().ifPresent(p -> xml.element("payload", b64.encodeToString(p)));
        xml.closeElement(this);
        return xml;
    }

    @Override
    public String toString() {
        return "AxolotlEncrypted[" + (message != null ? message : "malformed: " + malformed) + "]";
    }
}
