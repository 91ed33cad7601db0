package im.sotto.xmpp.omemo;

/**
 * The names of OMEMO 0.3 (XEP-0384 version 0.3, namespace {@code eu.siacs.conversations.axolotl}): what every OMEMO
 * client speaks today.
 */
public final class Axolotl {
    public static final String NAMESPACE = "eu.siacs.conversations.axolotl";
    /** The PEP node holding the account's OMEMO device list. */
    public static final String DEVICE_LIST_NODE = NAMESPACE + ".devicelist";
    /** Prefix of the per-device bundle nodes: {@code eu.siacs.conversations.axolotl.bundles:DEVICEID}. */
    public static final String BUNDLE_NODE_PREFIX = NAMESPACE + ".bundles:";
    /** The item id OMEMO clients use for the device list and bundle items. */
    public static final String CURRENT_ITEM = "current";
    /** The EME name (XEP-0380) shown by clients that cannot decrypt. */
    public static final String EME_NAME = "OMEMO";
    /** The body a client without OMEMO shows instead of the message: says what it is, never what it says. */
    public static final String FALLBACK_BODY = "[This message is OMEMO-encrypted; your client cannot display it.]";

    private Axolotl() {
    }

    public static String bundleNode(int deviceId) {
        return BUNDLE_NODE_PREFIX + Integer.toUnsignedString(deviceId);
    }
}
