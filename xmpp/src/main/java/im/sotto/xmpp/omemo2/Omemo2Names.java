package im.sotto.xmpp.omemo2;

/** The names of OMEMO 2 (XEP-0384 0.8 and later, namespace {@code urn:xmpp:omemo:2}). */
public final class Omemo2Names {
    public static final String NAMESPACE = "urn:xmpp:omemo:2";
    /** The PEP node holding the account's device list, one item {@code current}. */
    public static final String DEVICE_LIST_NODE = NAMESPACE + ":devices";
    /** The PEP node holding every device's bundle, one item per device, its id the device id. */
    public static final String BUNDLES_NODE = NAMESPACE + ":bundles";
    public static final String CURRENT_ITEM = "current";
    /** The EME name (XEP-0380) for clients that cannot decrypt. */
    public static final String EME_NAME = "OMEMO 2";
    /** The body a client without OMEMO 2 shows: says what the message is, never what it says. */
    public static final String FALLBACK_BODY = "[This message is OMEMO-encrypted (OMEMO 2); your client cannot "
            + "display it.]";

    private Omemo2Names() {
    }
}
