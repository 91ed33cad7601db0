package im.sotto.xmpp.pep;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import im.sotto.xmpp.SottoProviders;
import im.sotto.xmpp.pep.PepException.Kind;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.NamedElement;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.pubsub.FormNode;
import org.jivesoftware.smackx.pubsub.FormNodeType;
import org.jivesoftware.smackx.pubsub.ItemsExtension;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PubSubElementType;
import org.jivesoftware.smackx.pubsub.PublishItem;
import org.jivesoftware.smackx.pubsub.packet.PubSub;
import org.jivesoftware.smackx.xdata.FormField;
import org.jivesoftware.smackx.xdata.packet.DataForm;
import org.jxmpp.jid.BareJid;

/**
 * Publishes this device's bundle and the account's device list in PEP, and fetches a peer's.
 *
 * <p>The order matters: the bundle first, then the device list, so a peer that sees a device in the list can
 * always fetch its bundle; then both are read back, because a server may accept a publish and still not serve it.
 * Every node is published with {@link PublishOptions#OPEN_ACCESS}; a node left with another access model (by an
 * older client or a server default) answers {@code precondition-not-met}, and is then reconfigured and the publish
 * retried once.
 *
 * <p>Fetches are raw {@code <items node='...'/>} requests: Smack's {@code PubSubManager.getLeafNode()} first asks
 * for node information, which ejabberd answers with {@code subscription-required} even for an open node.
 */
public final class BundlePublisher {
    private static final String PEP_PUBLISH_OPTIONS = PublishOptions.FORM_TYPE;
    private static final String NODE_CONFIG_FORM_TYPE = "http://jabber.org/protocol/pubsub#node_config";

    private final XMPPConnection connection;

    public BundlePublisher(XMPPConnection connection) {
        this.connection = Objects.requireNonNull(connection, "connection");
        SottoProviders.register();
    }

    /** What publishing did, for diagnostics and stanza-count tests. */
    public static final class Report {
        private final List<String> reconfiguredNodes;
        private final List<DeviceId> publishedDeviceList;

        Report(List<String> reconfiguredNodes, List<DeviceId> publishedDeviceList) {
            this.reconfiguredNodes = List.copyOf(reconfiguredNodes);
            this.publishedDeviceList = List.copyOf(publishedDeviceList);
        }

        /** Nodes that had another access model and were reconfigured to open. */
        public List<String> reconfiguredNodes() {
            return reconfiguredNodes;
        }

        public List<DeviceId> publishedDeviceList() {
            return publishedDeviceList;
        }
    }

    /**
     * Publishes {@code bundle} for {@code device}, adds the device to the account's device list, and reads both
     * back. Call it on every login: it repairs a node whose access model was changed meanwhile.
     */
    public Report publish(DeviceId device, byte[] bundle) throws PepException, InterruptedException {
        BareJid self = ownAccount();
        requirePublishOptions(self);
        List<String> reconfigured = new ArrayList<>();
        BundleElement bundleElement = new BundleElement(bundle);
        publishOpen(self, PepNodes.bundle(device), bundleElement, reconfigured);

        List<DeviceId> devices = withinCap(fetchDeviceListOrEmpty(self), device);
        DeviceListElement list = new DeviceListElement(devices);
        publishOpen(self, PepNodes.DEVICE_LIST, list, reconfigured);

        if (!Arrays.equals(fetchBundle(self, device), bundle)) {
            throw new PepException(Kind.READ_BACK_MISMATCH, "the bundle read back differs from the one published");
        }
        if (!fetchDeviceList(self).contains(device)) {
            throw new PepException(Kind.READ_BACK_MISMATCH, "the device list read back lacks device " + device);
        }
        return new Report(reconfigured, devices);
    }

    /**
     * The list to publish: {@code listed} with {@code device} appended if missing, at most
     * {@link DeviceListElement#MAX_DEVICES} long. A full list loses its first entries, never {@code device}: each
     * device appends itself, so the first are the oldest, the likeliest to be gone (a reinstalled client, a test's
     * throwaway device), while a device left off its own account's list cannot be reached at all. A device pushed out
     * that is still alive puts itself back at its next login (docs/protocol.md 7.4).
     */
    static List<DeviceId> withinCap(List<DeviceId> listed, DeviceId device) {
        List<DeviceId> devices = new ArrayList<>(listed);
        if (!devices.contains(device)) {
            devices.add(device);
        }
        for (int i = 0; devices.size() > DeviceListElement.MAX_DEVICES; ) {
            if (devices.get(i).equals(device)) {
                i++;
            } else {
                devices.remove(i);
            }
        }
        return devices;
    }

    /** What {@link #publishIfChanged} had to do. */
    public enum Publication {
        /** The server already served this bundle and listed the device: nothing was published. */
        UNCHANGED,
        /** The server's copy differed or was missing: published as {@link #publish} does. */
        PUBLISHED
    }

    /**
     * Publishes only when the server's copy differs: reads this device's bundle and the device list back (two
     * requests, no write) and publishes as {@link #publish} does only when the bundle differs, is missing or
     * unreadable, or the list lacks the device. Republishing on every login cost a disco and two writes for nothing.
     */
    public Publication publishIfChanged(DeviceId device, byte[] bundle) throws PepException, InterruptedException {
        if (serverHolds(ownAccount(), device, bundle)) {
            return Publication.UNCHANGED;
        }
        publish(device, bundle);
        return Publication.PUBLISHED;
    }

    private boolean serverHolds(BareJid self, DeviceId device, byte[] bundle)
            throws PepException, InterruptedException {
        try {
            return Arrays.equals(fetchBundle(self, device), bundle) && fetchDeviceList(self).contains(device);
        } catch (PepException e) {
            if (e.kind() == Kind.NOT_FOUND || e.kind() == Kind.MALFORMED_ITEM || e.kind() == Kind.ACCESS_DENIED) {
                return false; // missing or damaged: the full publish repairs it, or says why it cannot
            }
            throw e;
        }
    }

    /**
     * Takes {@code device} off the account's device list (the other devices stay) and deletes its bundle node, so
     * peers stop making sessions with it: for an account removed from this machine. Returns the devices left.
     */
    public List<DeviceId> withdraw(DeviceId device) throws PepException, InterruptedException {
        BareJid self = ownAccount();
        List<DeviceId> devices = new ArrayList<>(fetchDeviceListOrEmpty(self));
        if (devices.remove(device)) {
            publishOpen(self, PepNodes.DEVICE_LIST, new DeviceListElement(devices), new ArrayList<>());
        }
        PubSub delete = PubSub.createPubsubPacket(self, IQ.Type.set,
                new org.jivesoftware.smackx.pubsub.NodeExtension(PubSubElementType.DELETE, PepNodes.bundle(device)));
        try {
            send(delete);
        } catch (XMPPException.XMPPErrorException e) {
            if (e.getStanzaError().getCondition() != StanzaError.Condition.item_not_found) {
                throw refused("deleting " + PepNodes.bundle(device), e);
            }
        }
        if (fetchDeviceListOrEmpty(self).contains(device)) {
            throw new PepException(Kind.READ_BACK_MISMATCH, "the device list read back still holds device " + device);
        }
        return devices;
    }

    /** Publishes the account's revocation list (docs/protocol.md 7.7), open like the device list, and reads it back. */
    public void publishRevocations(byte[] list) throws PepException, InterruptedException {
        publishStatements(PepNodes.REVOCATIONS, StatementListElement.REVOCATIONS, list);
    }

    /** The revocation list {@code owner} published; empty when it has none. */
    public java.util.Optional<byte[]> fetchRevocations(BareJid owner) throws PepException, InterruptedException {
        return fetchStatements(owner, PepNodes.REVOCATIONS);
    }

    /** Publishes the account's device labels (docs/protocol.md 7.8), open like the device list, and reads them back. */
    public void publishLabels(byte[] list) throws PepException, InterruptedException {
        publishStatements(PepNodes.LABELS, StatementListElement.LABELS, list);
    }

    /** The device labels {@code owner} published; empty when it has none. */
    public java.util.Optional<byte[]> fetchLabels(BareJid owner) throws PepException, InterruptedException {
        return fetchStatements(owner, PepNodes.LABELS);
    }

    /** Publishes the account's OMEMO sides (docs/protocol.md 10.13), open like the device list, and reads them back. */
    public void publishOmemoSides(byte[] list) throws PepException, InterruptedException {
        publishStatements(PepNodes.OMEMO_SIDES, StatementListElement.OMEMO_SIDES, list);
    }

    /** The OMEMO sides {@code owner} published; empty when it has none. */
    public java.util.Optional<byte[]> fetchOmemoSides(BareJid owner) throws PepException, InterruptedException {
        return fetchStatements(owner, PepNodes.OMEMO_SIDES);
    }

    private void publishStatements(String node, String element, byte[] list) throws PepException, InterruptedException {
        BareJid self = ownAccount();
        publishOpen(self, node, new StatementListElement(element, list), new ArrayList<>());
        if (!Arrays.equals(fetchStatements(self, node).orElse(new byte[0]), list)) {
            throw new PepException(Kind.READ_BACK_MISMATCH, "the list read back from " + node + " differs");
        }
    }

    private java.util.Optional<byte[]> fetchStatements(BareJid owner, String node)
            throws PepException, InterruptedException {
        try {
            return java.util.Optional.of(fetchPayload(owner, node, StatementListElement.class).list());
        } catch (PepException e) {
            if (e.kind() == Kind.NOT_FOUND) {
                return java.util.Optional.empty();
            }
            throw e;
        }
    }

    /** The bundle {@code owner} published for {@code device}. */
    public byte[] fetchBundle(BareJid owner, DeviceId device) throws PepException, InterruptedException {
        return fetchPayload(owner, PepNodes.bundle(device), BundleElement.class).bundle();
    }

    /** The device list {@code owner} published. */
    public List<DeviceId> fetchDeviceList(BareJid owner) throws PepException, InterruptedException {
        return fetchPayload(owner, PepNodes.DEVICE_LIST, DeviceListElement.class).devices();
    }

    private List<DeviceId> fetchDeviceListOrEmpty(BareJid owner) throws PepException, InterruptedException {
        try {
            return fetchDeviceList(owner);
        } catch (PepException e) {
            if (e.kind() == Kind.NOT_FOUND) {
                return List.of();
            }
            throw e;
        }
    }

    /** One disco#info to our own account turns "publish failed" into "your server cannot do this". */
    private void requirePublishOptions(BareJid self) throws PepException, InterruptedException {
        DiscoverInfo info;
        try {
            info = ServiceDiscoveryManager.getInstanceFor(connection).discoverInfo(self);
        } catch (XMPPException.XMPPErrorException e) {
            throw new PepException(Kind.PEP_UNAVAILABLE, e.getStanzaError().getCondition(),
                    "the account does not answer service discovery", e);
        } catch (SmackException e) {
            throw new PepException(Kind.NO_RESPONSE, null, "no answer to service discovery", e);
        }
        if (!info.hasIdentity("pubsub", "pep")) {
            throw new PepException(Kind.PEP_UNAVAILABLE, "the account advertises no PEP service (pubsub/pep identity)");
        }
        if (!info.containsFeature(PEP_PUBLISH_OPTIONS)) {
            throw new PepException(Kind.PUBLISH_OPTIONS_UNSUPPORTED,
                    "the server does not advertise " + PEP_PUBLISH_OPTIONS);
        }
    }

    private void publishOpen(BareJid self, String node, ExtensionElement payload, List<String> reconfigured)
            throws PepException, InterruptedException {
        try {
            sendPublish(self, node, payload);
            return;
        } catch (XMPPException.XMPPErrorException e) {
            if (e.getStanzaError().getCondition() != StanzaError.Condition.conflict
                    && !isPreconditionNotMet(e.getStanzaError())) {
                throw refused("publishing to " + node, e);
            }
        }
        reconfigureOpen(self, node);
        reconfigured.add(node);
        try {
            sendPublish(self, node, payload);
        } catch (XMPPException.XMPPErrorException e) {
            if (isPreconditionNotMet(e.getStanzaError())) {
                throw new PepException(Kind.ACCESS_MODEL_REFUSED, e.getStanzaError().getCondition(),
                        "node " + node + " still refuses an open access model after reconfiguration", e);
            }
            throw refused("publishing to " + node + " after reconfiguration", e);
        }
    }

    private void sendPublish(BareJid self, String node, ExtensionElement payload)
            throws XMPPException.XMPPErrorException, PepException, InterruptedException {
        PubSub publish = PubSub.createPubsubPacket(self, IQ.Type.set,
                new PublishItem<>(node, new PayloadItem<>(PepNodes.ITEM_ID, payload)));
        publish.addExtension(PublishOptions.OPEN_ACCESS);
        send(publish);
    }

    private void reconfigureOpen(BareJid self, String node) throws PepException, InterruptedException {
        DataForm form = DataForm.builder(DataForm.Type.submit)
                .addField(FormField.buildHiddenFormType(NODE_CONFIG_FORM_TYPE))
                .addField(FormField.textSingleBuilder(PublishOptions.ACCESS_MODEL).setValue(PublishOptions.OPEN).build())
                .build();
        PubSub configure = PubSub.createPubsubPacket(self, IQ.Type.set,
                new FormNode(FormNodeType.CONFIGURE_OWNER, node, form));
        try {
            send(configure);
        } catch (XMPPException.XMPPErrorException e) {
            throw new PepException(Kind.ACCESS_MODEL_REFUSED, e.getStanzaError().getCondition(),
                    "node " + node + " has another access model and the server refused to make it open", e);
        }
    }

    private <E extends ExtensionElement> E fetchPayload(BareJid owner, String node, Class<E> type)
            throws PepException, InterruptedException {
        PubSub response;
        try {
            response = PepRequests.read(connection, PepRequests.itemsRequest(owner, node), owner, node);
        } catch (XMPPException.XMPPErrorException e) {
            throw refused("fetching " + node + " from " + owner, e);
        }
        ItemsExtension items = response.getExtension(PubSubElementType.ITEMS);
        if (items == null || items.getItems().isEmpty()) {
            throw new PepException(Kind.NOT_FOUND, owner + "'s node " + node + " has no item");
        }
        E found = null;
        for (NamedElement item : items.getItems()) {
            if (!(item instanceof PayloadItem) || !PepNodes.ITEM_ID.equals(((PayloadItem<?>) item).getId())) {
                continue;
            }
            Object payload = ((PayloadItem<?>) item).getPayload();
            if (!type.isInstance(payload)) {
                throw new PepException(Kind.MALFORMED_ITEM, owner + "'s item in " + node + " is not a valid "
                        + type.getSimpleName());
            }
            found = type.cast(payload);
        }
        if (found == null) {
            throw new PepException(Kind.NOT_FOUND, owner + "'s node " + node + " has no item '" + PepNodes.ITEM_ID + "'");
        }
        return found;
    }

    /** The reads {@link #publishIfChanged} makes at a login, for {@link PepReadAhead#readAhead}. */
    public static List<IQ> loginReads(BareJid self, DeviceId device) {
        return List.of(PepRequests.itemsRequest(self, PepNodes.bundle(device)),
                PepRequests.itemsRequest(self, PepNodes.DEVICE_LIST));
    }

    private IQ send(IQ request) throws XMPPException.XMPPErrorException, PepException, InterruptedException {
        return PepRequests.send(connection, request);
    }

    private BareJid ownAccount() throws PepException {
        if (connection.getUser() == null) {
            throw new PepException(Kind.NO_RESPONSE, "not logged in");
        }
        return connection.getUser().asBareJid();
    }

    private static boolean isPreconditionNotMet(StanzaError error) {
        ExtensionElement specific = error.getExtension("precondition-not-met", "http://jabber.org/protocol/pubsub#errors");
        return specific != null;
    }

    private static PepException refused(String what, XMPPException.XMPPErrorException e) {
        StanzaError.Condition condition = e.getStanzaError().getCondition();
        Kind kind = condition == StanzaError.Condition.feature_not_implemented
                || condition == StanzaError.Condition.service_unavailable ? Kind.PEP_UNAVAILABLE : Kind.REFUSED;
        return new PepException(kind, condition, what + " failed: " + e.getStanzaError().getDescriptiveText(), e);
    }
}
