package im.sotto.xmpp.omemo;

import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

import javax.xml.namespace.QName;

import im.sotto.protocol.omemo.OmemoBundle;
import im.sotto.protocol.omemo.OmemoFailure;

import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.util.XmlStringBuilder;

/**
 * An OMEMO 0.3 bundle, the item of node {@code eu.siacs.conversations.axolotl.bundles:DEVICEID}: signed prekey with
 * its id and XEdDSA signature, identity key, one-time prekeys, all keys in Signal's 33-byte form. As received,
 * either a parsed {@link OmemoBundle} (its signature not yet checked) or the reason it was refused. The device id
 * comes from the node name, so the provider cannot know it: {@link #forDevice} completes the parse.
 */
public final class AxolotlBundle implements ExtensionElement {
    public static final String ELEMENT = "bundle";
    public static final String NAMESPACE = Axolotl.NAMESPACE;
    public static final QName QNAME = new QName(NAMESPACE, ELEMENT);

    private final OmemoBundle bundle;
    private final Fields fields;
    private final String malformed;

    /** The published fields as read, before the device id is known. */
    record Fields(long signedPreKeyId, byte[] signedPreKey, byte[] signature, byte[] identityKey,
            java.util.List<OmemoBundle.PublishedPreKey> preKeys) {
    }

    private AxolotlBundle(OmemoBundle bundle, Fields fields, String malformed) {
        this.bundle = bundle;
        this.fields = fields;
        this.malformed = malformed;
    }

    /** Our bundle, to publish. */
    public static AxolotlBundle of(OmemoBundle bundle) {
        return new AxolotlBundle(Objects.requireNonNull(bundle), null, null);
    }

    static AxolotlBundle read(Fields fields) {
        return new AxolotlBundle(null, fields, null);
    }

    static AxolotlBundle malformed(String reason) {
        return new AxolotlBundle(null, null, Objects.requireNonNull(reason));
    }

    /** The bundle as published by {@code deviceId}; a malformed element or field is an {@code OmemoException}. */
    public OmemoBundle forDevice(int deviceId) throws im.sotto.protocol.omemo.OmemoException {
        if (bundle != null) {
            return bundle;
        }
        if (fields == null) {
            throw new im.sotto.protocol.omemo.OmemoException(OmemoFailure.MALFORMED, malformed);
        }
        return OmemoBundle.fromPublished(deviceId, fields.identityKey(), fields.signedPreKeyId(),
                fields.signedPreKey(), fields.signature(), fields.preKeys());
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
        if (bundle == null) {
            throw new IllegalStateException("only our own bundle is written");
        }
        Base64.Encoder b64 = Base64.getEncoder();
        XmlStringBuilder xml = new XmlStringBuilder(this, enclosingNamespace);
        xml.rightAngleBracket();
        xml.halfOpenElement("signedPreKeyPublic")
                .attribute("signedPreKeyId", Integer.toUnsignedString(bundle.signedPreKeyId())).rightAngleBracket()
                .append(b64.encodeToString(bundle.signedPreKeySerialized())).closeElement("signedPreKeyPublic");
        xml.element("signedPreKeySignature", b64.encodeToString(bundle.signedPreKeySignature()));
        xml.element("identityKey", b64.encodeToString(bundle.identityKey().serialized()));
        xml.openElement("prekeys");
        for (OmemoBundle.PreKey p : bundle.preKeys()) {
            xml.halfOpenElement("preKeyPublic").attribute("preKeyId", Integer.toUnsignedString(p.id()))
                    .rightAngleBracket().append(b64.encodeToString(p.serialized())).closeElement("preKeyPublic");
        }
        xml.closeElement("prekeys");
        xml.closeElement(this);
        return xml;
    }
}
