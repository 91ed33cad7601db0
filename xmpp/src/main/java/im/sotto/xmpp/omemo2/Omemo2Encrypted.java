package im.sotto.xmpp.omemo2;

import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import javax.xml.namespace.QName;

import im.sotto.protocol.omemo.EncryptedKey;

import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.util.XmlStringBuilder;

/**
 * OMEMO 2's {@code <encrypted xmlns='urn:xmpp:omemo:2'>}: a header with the sender's device id and, per account, the
 * key elements for its devices ({@code kex='true'} for a key exchange), then the payload (absent in an empty OMEMO
 * message). As received it is either well formed or malformed with the reason, so the stanza still parses and the
 * refusal is reported with its sender.
 */
public final class Omemo2Encrypted implements ExtensionElement {
    public static final String ELEMENT = "encrypted";
    public static final String NAMESPACE = Omemo2Names.NAMESPACE;
    public static final QName QNAME = new QName(NAMESPACE, ELEMENT);

    /** The keys for one account's devices, as in {@code <keys jid='...'>}. */
    public record Keys(String jid, List<EncryptedKey> keys) {
        public Keys {
            Objects.requireNonNull(jid, "jid");
            keys = List.copyOf(keys);
        }
    }

    private final int senderDeviceId;
    private final List<Keys> keys;
    private final byte[] payload;
    private final String malformed;

    private Omemo2Encrypted(int senderDeviceId, List<Keys> keys, byte[] payload, String malformed) {
        this.senderDeviceId = senderDeviceId;
        this.keys = keys;
        this.payload = payload;
        this.malformed = malformed;
    }

    public static Omemo2Encrypted of(int senderDeviceId, List<Keys> keys, Optional<byte[]> payload) {
        return new Omemo2Encrypted(senderDeviceId, List.copyOf(keys), payload.map(byte[]::clone).orElse(null), null);
    }

    static Omemo2Encrypted malformed(String reason) {
        return new Omemo2Encrypted(0, List.of(), null, Objects.requireNonNull(reason, "reason"));
    }

    public Optional<String> malformedReason() {
        return Optional.ofNullable(malformed);
    }

    public int senderDeviceId() {
        return senderDeviceId;
    }

    public List<Keys> keys() {
        return keys;
    }

    /** The key addressed to {@code deviceId} of account {@code jid} (bare, normalised), if any. */
    public Optional<EncryptedKey> keyFor(String jid, int deviceId) {
        return keys.stream().filter(k -> k.jid().equals(jid)).flatMap(k -> k.keys().stream())
                .filter(k -> k.recipientDeviceId() == deviceId).findFirst();
    }

    public Optional<byte[]> payload() {
        return Optional.ofNullable(payload).map(byte[]::clone);
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
        if (malformed != null) {
            throw new IllegalStateException("a malformed element is never sent");
        }
        Base64.Encoder b64 = Base64.getEncoder();
        XmlStringBuilder xml = new XmlStringBuilder(this, enclosingNamespace);
        xml.rightAngleBracket();
        xml.halfOpenElement("header").attribute("sid", Integer.toUnsignedString(senderDeviceId)).rightAngleBracket();
        for (Keys account : keys) {
            xml.halfOpenElement("keys").attribute("jid", account.jid()).rightAngleBracket();
            for (EncryptedKey key : account.keys()) {
                xml.halfOpenElement("key").attribute("rid", Integer.toUnsignedString(key.recipientDeviceId()));
                if (key.preKey()) {
                    xml.attribute("kex", "true");
                }
                xml.rightAngleBracket().append(b64.encodeToString(key.data())).closeElement("key");
            }
            xml.closeElement("keys");
        }
        xml.closeElement("header");
        if (payload != null) {
            xml.element("payload", b64.encodeToString(payload));
        }
        xml.closeElement(this);
        return xml;
    }

    @Override
    public String toString() {
        return "Omemo2Encrypted[" + (malformed == null ? "sid " + senderDeviceId + ", " + keys.size() + " accounts"
                + (payload == null ? ", empty" : "") : "malformed: " + malformed) + "]";
    }
}
