package im.sotto.xmpp.omemo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import im.sotto.protocol.omemo.OmemoBundle;
import im.sotto.protocol.omemo.OmemoLimits;
import im.sotto.xmpp.omemo.AxolotlXml.AxolotlXmlException;

import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.provider.ExtensionElementProvider;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

/**
 * Parses {@link AxolotlBundle}: each of signed prekey, signature and identity key exactly once, at most
 * {@link OmemoLimits#MAX_BUNDLE_PREKEYS} prekeys. Key sizes, type bytes, id ranges and repeated ids are checked when
 * the device id is known ({@link AxolotlBundle#forDevice}); the signature when a session is built from it.
 */
public final class AxolotlBundleProvider extends ExtensionElementProvider<AxolotlBundle> {
    public static final AxolotlBundleProvider INSTANCE = new AxolotlBundleProvider();
    /** A 33-byte key or a 64-byte signature; a little room so the core, not the parser, names a wrong size. */
    private static final int MAX_FIELD_BYTES = 128;

    @Override
    public AxolotlBundle parse(XmlPullParser parser, int initialDepth, XmlEnvironment xmlEnvironment)
            throws XmlPullParserException, IOException {
        try {
            return AxolotlBundle.read(read(parser, initialDepth));
        } catch (AxolotlXmlException e) {
            AxolotlXml.skipTo(parser, initialDepth);
            return AxolotlBundle.malformed(e.getMessage());
        }
    }

    private static AxolotlBundle.Fields read(XmlPullParser parser, int initialDepth)
            throws XmlPullParserException, IOException, AxolotlXmlException {
        Long signedId = null;
        byte[] signed = null;
        byte[] signature = null;
        byte[] identity = null;
        List<OmemoBundle.PublishedPreKey> preKeys = null;
        while (true) {
            XmlPullParser.Event event = parser.next();
            if (event == XmlPullParser.Event.START_ELEMENT) {
                String name = parser.getName();
                switch (name) {
                    case "signedPreKeyPublic" -> {
                        once(signed, name);
                        signedId = AxolotlXml.requireId(parser, "signedPreKeyId", 0, Integer.MAX_VALUE);
                        signed = AxolotlXml.base64(parser, MAX_FIELD_BYTES);
                    }
                    case "signedPreKeySignature" -> {
                        once(signature, name);
                        signature = AxolotlXml.base64(parser, MAX_FIELD_BYTES);
                    }
                    case "identityKey" -> {
                        once(identity, name);
                        identity = AxolotlXml.base64(parser, MAX_FIELD_BYTES);
                    }
                    case "prekeys" -> {
                        once(preKeys, name);
                        preKeys = readPreKeys(parser);
                    }
                    default -> throw new AxolotlXmlException("unexpected <" + name + "/> in a bundle");
                }
            } else if (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == initialDepth) {
                break;
            } else if (event == XmlPullParser.Event.END_DOCUMENT) {
                throw new AxolotlXmlException("document ended inside a bundle");
            }
        }
        if (signed == null || signature == null || identity == null || preKeys == null) {
            throw new AxolotlXmlException("a bundle needs a signed prekey, its signature, an identity key and prekeys");
        }
        return new AxolotlBundle.Fields(signedId, signed, signature, identity, preKeys);
    }

    private static List<OmemoBundle.PublishedPreKey> readPreKeys(XmlPullParser parser)
            throws XmlPullParserException, IOException, AxolotlXmlException {
        int depth = parser.getDepth();
        List<OmemoBundle.PublishedPreKey> keys = new ArrayList<>();
        while (true) {
            XmlPullParser.Event event = parser.next();
            if (event == XmlPullParser.Event.START_ELEMENT) {
                if (!"preKeyPublic".equals(parser.getName())) {
                    throw new AxolotlXmlException("unexpected <" + parser.getName() + "/> in prekeys");
                }
                if (keys.size() == OmemoLimits.MAX_BUNDLE_PREKEYS) {
                    throw new AxolotlXmlException("more than " + OmemoLimits.MAX_BUNDLE_PREKEYS + " prekeys");
                }
                long id = AxolotlXml.requireId(parser, "preKeyId", 0, Integer.MAX_VALUE);
                keys.add(new OmemoBundle.PublishedPreKey(id, AxolotlXml.base64(parser, MAX_FIELD_BYTES)));
            } else if (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == depth) {
                return keys;
            } else if (event == XmlPullParser.Event.END_DOCUMENT) {
                throw new AxolotlXmlException("document ended inside prekeys");
            }
        }
    }

    private static void once(Object seen, String name) throws AxolotlXmlException {
        if (seen != null) {
            throw new AxolotlXmlException("<" + name + "/> twice");
        }
    }
}
