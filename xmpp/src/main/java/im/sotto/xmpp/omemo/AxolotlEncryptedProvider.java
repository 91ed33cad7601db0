package im.sotto.xmpp.omemo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import im.sotto.protocol.omemo.EncryptedKey;
import im.sotto.protocol.omemo.OmemoDeviceId;
import im.sotto.protocol.omemo.OmemoLimits;
import im.sotto.protocol.omemo.OmemoMessage;
import im.sotto.xmpp.omemo.AxolotlXml.AxolotlXmlException;

import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.provider.ExtensionElementProvider;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;

/**
 * Parses {@link AxolotlEncrypted}: exactly one header with a valid {@code sid}, at least one key, keys with a valid
 * {@code rid} and bounded base64, exactly one IV, at most one payload. Anything else gives a malformed element.
 */
public final class AxolotlEncryptedProvider extends ExtensionElementProvider<AxolotlEncrypted> {
    public static final AxolotlEncryptedProvider INSTANCE = new AxolotlEncryptedProvider();

    /**
     * Keys one header may carry: one per device of the recipient and of the sender's account. Clients cap a device
     * list well below this; the bound keeps a hostile header from making us decode thousands of keys.
     */
    static final int MAX_KEYS = 256;
    /** The IV is 12 bytes (current clients) or 16 (older ones); the core checks which, this only bounds the text. */
    private static final int MAX_IV_BYTES = 64;

    @Override
    public AxolotlEncrypted parse(XmlPullParser parser, int initialDepth, XmlEnvironment xmlEnvironment)
            throws XmlPullParserException, IOException {
        try {
            return AxolotlEncrypted.of(read(parser, initialDepth));
        } catch (AxolotlXmlException e) {
            AxolotlXml.skipTo(parser, initialDepth);
            return AxolotlEncrypted.malformed(e.getMessage());
        }
    }

    private static OmemoMessage read(XmlPullParser parser, int initialDepth)
            throws XmlPullParserException, IOException, AxolotlXmlException {
        Integer sid = null;
        byte[] iv = null;
        byte[] payload = null;
        List<EncryptedKey> keys = new ArrayList<>();
        while (true) {
            XmlPullParser.Event event = parser.next();
            if (event == XmlPullParser.Event.START_ELEMENT && parser.getDepth() == initialDepth + 1) {
                if ("header".equals(parser.getName())) {
                    if (sid != null) {
                        throw new AxolotlXmlException("two headers");
                    }
                    sid = (int) AxolotlXml.requireId(parser, "sid", OmemoDeviceId.MIN, OmemoDeviceId.MAX);
                    iv = readHeader(parser, keys);
                } else if ("payload".equals(parser.getName())) {
                    if (payload != null) {
                        throw new AxolotlXmlException("two payloads");
                    }
                    payload = AxolotlXml.base64(parser, OmemoLimits.MAX_PAYLOAD_LENGTH + 16);
                } else {
                    throw new AxolotlXmlException("unexpected <" + parser.getName() + "/>");
                }
            } else if (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == initialDepth) {
                break;
            } else if (event == XmlPullParser.Event.END_DOCUMENT) {
                throw new AxolotlXmlException("document ended inside <encrypted/>");
            }
        }
        if (sid == null) {
            throw new AxolotlXmlException("no header");
        }
        return payload == null ? OmemoMessage.keyTransport(sid, iv, keys)
                : OmemoMessage.withPayload(sid, iv, keys, payload);
    }

    /** Reads the header's keys into {@code keys}; returns the IV. */
    private static byte[] readHeader(XmlPullParser parser, List<EncryptedKey> keys)
            throws XmlPullParserException, IOException, AxolotlXmlException {
        int depth = parser.getDepth();
        byte[] iv = null;
        while (true) {
            XmlPullParser.Event event = parser.next();
            if (event == XmlPullParser.Event.START_ELEMENT) {
                if ("key".equals(parser.getName())) {
                    if (keys.size() == MAX_KEYS) {
                        throw new AxolotlXmlException("more than " + MAX_KEYS + " keys");
                    }
                    int rid = (int) AxolotlXml.requireId(parser, "rid", OmemoDeviceId.MIN, OmemoDeviceId.MAX);
                    boolean preKey = preKeyAttribute(parser.getAttributeValue("", "prekey"));
                    byte[] data = AxolotlXml.base64(parser, OmemoLimits.MAX_SIGNAL_MESSAGE_LENGTH);
                    keys.add(new EncryptedKey(rid, preKey, data));
                } else if ("iv".equals(parser.getName())) {
                    if (iv != null) {
                        throw new AxolotlXmlException("two IVs");
                    }
                    iv = AxolotlXml.base64(parser, MAX_IV_BYTES);
                } else {
                    throw new AxolotlXmlException("unexpected <" + parser.getName() + "/> in the header");
                }
            } else if (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == depth) {
                break;
            } else if (event == XmlPullParser.Event.END_DOCUMENT) {
                throw new AxolotlXmlException("document ended inside <header/>");
            }
        }
        if (iv == null) {
            throw new AxolotlXmlException("no IV");
        }
        if (keys.isEmpty()) {
            throw new AxolotlXmlException("no key");
        }
        return iv;
    }

    /** XEP-0384 0.3 writes {@code prekey="true"}; some clients write "1". Anything else but absent/false is refused. */
    private static boolean preKeyAttribute(String value) throws AxolotlXmlException {
        if (value == null || "false".equals(value) || "0".equals(value)) {
            return false;
        }
        if ("true".equals(value) || "1".equals(value)) {
            return true;
        }
        throw new AxolotlXmlException("prekey attribute '" + value + "'");
    }
}
