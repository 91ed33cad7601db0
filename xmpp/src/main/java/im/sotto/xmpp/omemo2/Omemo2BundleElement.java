package im.sotto.xmpp.omemo2;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.xml.namespace.QName;

import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoLimits;
import im.sotto.protocol.omemo2.Omemo2Bundle;
import im.sotto.xmpp.omemo.AxolotlXml;
import im.sotto.xmpp.omemo.AxolotlXml.AxolotlXmlException;

import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.provider.ExtensionElementProvider;
import org.jivesoftware.smack.util.XmlStringBuilder;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

/**
 * OMEMO 2's {@code <bundle xmlns='urn:xmpp:omemo:2'>}: {@code <spk id>}, {@code <spks>}, {@code <ik>} and
 * {@code <prekeys><pk id>...}, all base64. The element carries no device id (the item id does): it is read as
 * published fields and turned into an {@link Omemo2Bundle} for a given device by {@link #forDevice}, where sizes and
 * ranges are checked.
 */
public final class Omemo2BundleElement implements ExtensionElement {
    public static final String ELEMENT = "bundle";
    public static final QName QNAME = new QName(Omemo2Names.NAMESPACE, ELEMENT);
    /** Longest base64 field: a 64-byte signature; keys are 32 bytes. Longer is refused before decoding further. */
    private static final int MAX_FIELD_BYTES = 64;

    private final long signedPreKeyId;
    private final byte[] signedPreKey;
    private final byte[] signature;
    private final byte[] identityKey;
    private final List<Omemo2Bundle.PublishedPreKey> preKeys;
    private final String malformed;

    private Omemo2BundleElement(long signedPreKeyId, byte[] signedPreKey, byte[] signature, byte[] identityKey,
            List<Omemo2Bundle.PublishedPreKey> preKeys, String malformed) {
        this.signedPreKeyId = signedPreKeyId;
        this.signedPreKey = signedPreKey;
        this.signature = signature;
        this.identityKey = identityKey;
        this.preKeys = preKeys;
        this.malformed = malformed;
    }

    public static Omemo2BundleElement of(Omemo2Bundle bundle) {
        List<Omemo2Bundle.PublishedPreKey> keys = new ArrayList<>();
        for (Omemo2Bundle.PreKey k : bundle.preKeys()) {
            keys.add(new Omemo2Bundle.PublishedPreKey(k.id(), k.publicKey()));
        }
        return new Omemo2BundleElement(bundle.signedPreKeyId(), bundle.signedPreKey(),
                bundle.signedPreKeySignature(), bundle.identityKey().publicKey(), keys, null);
    }

    /** The bundle of {@code deviceId}; a malformed element or a bad field is an {@link OmemoException}. */
    public Omemo2Bundle forDevice(long deviceId) throws OmemoException {
        if (malformed != null) {
            throw new OmemoException(im.sotto.protocol.omemo.OmemoFailure.MALFORMED, malformed);
        }
        return Omemo2Bundle.fromPublished(deviceId, identityKey, signedPreKeyId, signedPreKey, signature, preKeys);
    }

    @Override
    public String getNamespace() {
        return Omemo2Names.NAMESPACE;
    }

    @Override
    public String getElementName() {
        return ELEMENT;
    }

    @Override
    public XmlStringBuilder toXML(XmlEnvironment enclosingNamespace) {
        if (malformed != null) {
            throw new IllegalStateException("a malformed bundle is never published");
        }
        Base64.Encoder b64 = Base64.getEncoder();
        XmlStringBuilder xml = new XmlStringBuilder(this, enclosingNamespace);
        xml.rightAngleBracket();
        xml.halfOpenElement("spk").attribute("id", Long.toString(signedPreKeyId)).rightAngleBracket()
                .append(b64.encodeToString(signedPreKey)).closeElement("spk");
        xml.element("spks", b64.encodeToString(signature));
        xml.element("ik", b64.encodeToString(identityKey));
        xml.openElement("prekeys");
        for (Omemo2Bundle.PublishedPreKey k : preKeys) {
            xml.halfOpenElement("pk").attribute("id", Long.toString(k.id())).rightAngleBracket()
                    .append(b64.encodeToString(k.key())).closeElement("pk");
        }
        xml.closeElement("prekeys");
        xml.closeElement(this);
        return xml;
    }

    /** The strict parser: each field once, ids decimal, base64 bounded, at most the core's number of prekeys. */
    public static final class Provider extends ExtensionElementProvider<Omemo2BundleElement> {
        public static final Provider INSTANCE = new Provider();

        @Override
        public Omemo2BundleElement parse(XmlPullParser parser, int initialDepth, XmlEnvironment xmlEnvironment)
                throws XmlPullParserException, IOException {
            try {
                return read(parser, initialDepth);
            } catch (AxolotlXmlException e) {
                AxolotlXml.skipTo(parser, initialDepth);
                return new Omemo2BundleElement(0, null, null, null, List.of(), e.getMessage());
            }
        }

        private static Omemo2BundleElement read(XmlPullParser parser, int initialDepth)
                throws XmlPullParserException, IOException, AxolotlXmlException {
            Long spkId = null;
            byte[] spk = null;
            byte[] spks = null;
            byte[] ik = null;
            List<Omemo2Bundle.PublishedPreKey> preKeys = null;
            while (true) {
                XmlPullParser.Event event = parser.next();
                if (event == XmlPullParser.Event.START_ELEMENT && parser.getDepth() == initialDepth + 1) {
                    String name = parser.getName();
                    switch (name) {
                        case "spk" -> {
                            once(spk, name);
                            spkId = AxolotlXml.requireId(parser, "id", 0, Integer.MAX_VALUE);
                            spk = AxolotlXml.base64(parser, MAX_FIELD_BYTES);
                        }
                        case "spks" -> spks = AxolotlXml.base64(parser, MAX_FIELD_BYTES + once(spks, name));
                        case "ik" -> ik = AxolotlXml.base64(parser, MAX_FIELD_BYTES + once(ik, name));
                        case "prekeys" -> {
                            once(preKeys, name);
                            preKeys = readPreKeys(parser);
                        }
                        default -> throw new AxolotlXmlException("unexpected <" + name + "/> in the bundle");
                    }
                } else if (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == initialDepth) {
                    break;
                } else if (event == XmlPullParser.Event.END_DOCUMENT) {
                    throw new AxolotlXmlException("document ended inside <bundle/>");
                }
            }
            if (spk == null || spks == null || ik == null || preKeys == null) {
                throw new AxolotlXmlException("the bundle lacks spk, spks, ik or prekeys");
            }
            return new Omemo2BundleElement(spkId, spk, spks, ik, preKeys, null);
        }

        /** Throws when a field repeats; returns 0 so it can sit in an expression. */
        private static int once(Object seen, String name) throws AxolotlXmlException {
            if (seen != null) {
                throw new AxolotlXmlException("two <" + name + "/>");
            }
            return 0;
        }

        private static List<Omemo2Bundle.PublishedPreKey> readPreKeys(XmlPullParser parser)
                throws XmlPullParserException, IOException, AxolotlXmlException {
            int depth = parser.getDepth();
            List<Omemo2Bundle.PublishedPreKey> keys = new ArrayList<>();
            while (true) {
                XmlPullParser.Event event = parser.next();
                if (event == XmlPullParser.Event.START_ELEMENT) {
                    if (!"pk".equals(parser.getName())) {
                        throw new AxolotlXmlException("unexpected <" + parser.getName() + "/> in <prekeys/>");
                    }
                    if (keys.size() == OmemoLimits.MAX_BUNDLE_PREKEYS) {
                        throw new AxolotlXmlException("more than " + OmemoLimits.MAX_BUNDLE_PREKEYS + " prekeys");
                    }
                    long id = AxolotlXml.requireId(parser, "id", 0, Integer.MAX_VALUE);
                    keys.add(new Omemo2Bundle.PublishedPreKey(id, AxolotlXml.base64(parser, MAX_FIELD_BYTES)));
                } else if (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == depth) {
                    return keys;
                } else if (event == XmlPullParser.Event.END_DOCUMENT) {
                    throw new AxolotlXmlException("document ended inside <prekeys/>");
                }
            }
        }
    }
}
