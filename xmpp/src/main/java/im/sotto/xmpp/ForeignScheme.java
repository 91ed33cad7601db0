package im.sotto.xmpp;

/**
 * An end-to-end encryption scheme other than Sotto that an incoming message used. Sotto cannot read such a message;
 * it reports it ({@link SecurityEvent.ForeignEncryption}) so that the user learns someone wrote.
 */
public enum ForeignScheme {
    /** OMEMO 0.3 (XEP-0384 as deployed by Conversations, Dino, Gajim, profanity): {@code <encrypted/>}. */
    OMEMO_0_3("OMEMO 0.3", "encrypted", "eu.siacs.conversations.axolotl"),
    /** OMEMO 2 (XEP-0384 0.8 and later): {@code <encrypted/>}. */
    OMEMO_2("OMEMO 2", "encrypted", "urn:xmpp:omemo:2"),
    /** OpenPGP for XMPP (XEP-0373/0374): {@code <openpgp/>}. */
    OPENPGP("OpenPGP (XEP-0373)", "openpgp", "urn:xmpp:openpgp:0"),
    /** Legacy OpenPGP (XEP-0027): {@code <x xmlns='jabber:x:encrypted'/>}. */
    LEGACY_OPENPGP("legacy OpenPGP (XEP-0027)", "x", "jabber:x:encrypted"),
    /** Off-the-Record: no element, a body starting with {@value #OTR_PREFIX}. */
    OTR("OTR", null, null);

    /** What every OTR message body (query, data, error) starts with (OTR protocol v2/v3/v4). */
    public static final String OTR_PREFIX = "?OTR";

    private final String displayName;
    private final String element;
    private final String namespace;

    ForeignScheme(String displayName, String element, String namespace) {
        this.displayName = displayName;
        this.element = element;
        this.namespace = namespace;
    }

    /** A name for people: "OMEMO 0.3". */
    public String displayName() {
        return displayName;
    }

    /** The element the scheme puts in the message; null for OTR, which lives in the body. */
    public String element() {
        return element;
    }

    /** The element's namespace, under which a handler can claim such messages; null for OTR. */
    public String namespace() {
        return namespace;
    }
}
