package im.sotto.xmpp.pep;

import im.sotto.xmpp.element.SottoEncrypted;

/** The PEP node names Sotto uses in each account: one bundle node per device and one device list. */
public final class PepNodes {
    /** The device list node: which devices of this account have a bundle. */
    public static final String DEVICE_LIST = SottoEncrypted.NAMESPACE + "/devices";
    /** Prefix of the per-device bundle nodes; one node per device so each can be replaced on its own. */
    public static final String BUNDLE_PREFIX = SottoEncrypted.NAMESPACE + "/bundles:";
    /** The account's revocation list (docs/protocol.md 7.7): one item, the statements its account key signed. */
    public static final String REVOCATIONS = SottoEncrypted.NAMESPACE + "/revocations";
    /** The labels of the account's devices (docs/protocol.md 7.8): one item, each label signed by the account key. */
    public static final String LABELS = SottoEncrypted.NAMESPACE + "/labels";
    /** Which OMEMO device ids are the account's Sotto devices' own (docs/protocol.md 10.13), each signed. */
    public static final String OMEMO_SIDES = SottoEncrypted.NAMESPACE + "/omemo-sides";
    /** The id of the single item each node keeps: republishing replaces it. */
    public static final String ITEM_ID = "current";

    private PepNodes() {
    }

    public static String bundle(DeviceId device) {
        return BUNDLE_PREFIX + device;
    }
}
