package im.sotto.xmpp.omemo2;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import im.sotto.protocol.omemo.EncryptedKey;
import im.sotto.protocol.omemo.OmemoDeviceId;
import im.sotto.protocol.omemo.OmemoLimits;
import im.sotto.xmpp.omemo.AxolotlXml;
import im.sotto.xmpp.omemo.AxolotlXml.AxolotlXmlException;

import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.provider.ExtensionElementProvider;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;

/**
 * Parses {@link Omemo2Encrypted} strictly: one header with a valid {@code sid}; {@code <keys>} with a bare JID, each
 * account once; keys with a valid {@code rid}, {@code kex} absent, true or false, bounded base64; at most one
 * payload. Anything else gives a malformed element.
 */
public final class Omemo2EncryptedProvider extends ExtensionElementProvider<Omemo2Encrypted> {
    public static final Omemo2EncryptedProvider INSTANCE = new Omemo2EncryptedProvider();

    /** Keys one header may carry, over all accounts: bounds the work a hostile header can ask for. */
    static final int MAX_KEYS = 256;

    @Override
    public Omemo2Encrypted parse(XmlPullParser parser, int initialDepth, XmlEnvironment xmlEnvironment)
            throws XmlPullParserException, IOException {
        try {
            return read(parser, initialDepth);
        } catch (AxolotlXmlException e) {
            AxolotlXml.skipTo(parser, initialDepth);
            return Omemo2Encrypted.malformed(e.getMessage());
        }
    }

    private static Omemo2Encrypted read(XmlPullParser parser, int initialDepth)
            throws XmlPullParserException, IOException, AxolotlXmlException {
        Integer sid = null;
        byte[] payload = null;
        List<Omemo2Encrypted.Keys> keys = new ArrayList<>();
        while (true) {
            XmlPullParser.Event event = parser.next();
            if (event == XmlPullParser.Event.START_ELEMENT && parser.getDepth() == initialDepth + 1) {
                if ("header".equals(parser.getName())) {
                    if (sid != null) {
                        throw new AxolotlXmlException("two headers");
                    }
                    sid = (int) AxolotlXml.requireId(parser, "sid", OmemoDeviceId.MIN, OmemoDeviceId.MAX);
                    readHeader(parser, keys);
                } else if ("payload".equals(parser.getName())) {
                    if (payload != null) {
                        throw new AxolotlXmlException("two payloads");
                    }
                    payload = AxolotlXml.base64(parser, OmemoLimits.MAX_PAYLOAD_LENGTH);
                    if (payload.length == 0) {
                        throw new AxolotlXmlException("empty payload");
                    }
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
        return Omemo2Encrypted.of(sid, keys, Optional.ofNullable(payload));
    }

    private static void readHeader(XmlPullParser parser, List<Omemo2Encrypted.Keys> out)
            throws XmlPullParserException, IOException, AxolotlXmlException {
        int depth = parser.getDepth();
        Set<String> accounts = new HashSet<>();
        int total = 0;
        while (true) {
            XmlPullParser.Event event = parser.next();
            if (event == XmlPullParser.Event.START_ELEMENT) {
                if (!"keys".equals(parser.getName())) {
                    throw new AxolotlXmlException("unexpected <" + parser.getName() + "/> in the header");
                }
                String jid = bareJid(AxolotlXml.requireAttribute(parser, "jid"));
                if (!accounts.add(jid)) {
                    throw new AxolotlXmlException("two <keys/> for one account");
                }
                List<EncryptedKey> keys = readKeys(parser, MAX_KEYS - total);
                total += keys.size();
                out.add(new Omemo2Encrypted.Keys(jid, keys));
            } else if (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == depth) {
                break;
            } else if (event == XmlPullParser.Event.END_DOCUMENT) {
                throw new AxolotlXmlException("document ended inside <header/>");
            }
        }
        if (total == 0) {
            throw new AxolotlXmlException("no key");
        }
    }

    private static List<EncryptedKey> readKeys(XmlPullParser parser, int room)
            throws XmlPullParserException, IOException, AxolotlXmlException {
        int depth = parser.getDepth();
        List<EncryptedKey> keys = new ArrayList<>();
        while (true) {
            XmlPullParser.Event event = parser.next();
            if (event == XmlPullParser.Event.START_ELEMENT) {
                if (!"key".equals(parser.getName())) {
                    throw new AxolotlXmlException("unexpected <" + parser.getName() + "/> in <keys/>");
                }
                if (keys.size() == room) {
                    throw new AxolotlXmlException("more than " + MAX_KEYS + " keys");
                }
                int rid = (int) AxolotlXml.requireId(parser, "rid", OmemoDeviceId.MIN, OmemoDeviceId.MAX);
                boolean kex = kexAttribute(parser.getAttributeValue("", "kex"));
                byte[] data = AxolotlXml.base64(parser, OmemoLimits.MAX_SIGNAL_MESSAGE_LENGTH);
                keys.add(new EncryptedKey(rid, kex, data));
            } else if (event == XmlPullParser.Event.END_ELEMENT && parser.getDepth() == depth) {
                return keys;
            } else if (event == XmlPullParser.Event.END_DOCUMENT) {
                throw new AxolotlXmlException("document ended inside <keys/>");
            }
        }
    }

    /** XEP-0384 writes {@code kex='true'}; an xs:boolean also allows "1", "0" and "false". */
    private static boolean kexAttribute(String value) throws AxolotlXmlException {
        if (value == null || "false".equals(value) || "0".equals(value)) {
            return false;
        }
        if ("true".equals(value) || "1".equals(value)) {
            return true;
        }
        throw new AxolotlXmlException("kex attribute '" + value + "'");
    }

    /** The account a {@code jid} attribute names, normalised; a full JID or an invalid one is malformed. */
    static String bareJid(String value) throws AxolotlXmlException {
        try {
            BareJid jid = JidCreate.bareFrom(value);
            if (!jid.toString().equalsIgnoreCase(value)) {
                throw new AxolotlXmlException("'" + value + "' is not a bare JID");
            }
            return jid.toString();
        } catch (XmppStringprepException e) {
            throw new AxolotlXmlException("'" + value + "' is not a JID");
        }
    }
}
