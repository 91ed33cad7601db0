package im.sotto.xmpp.omemo2;

import java.util.List;
import java.util.Objects;

import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo2.Omemo2Bundle;
import im.sotto.xmpp.pep.PepReadAhead;
import im.sotto.xmpp.pep.PepException;
import im.sotto.xmpp.pep.PepException.Kind;
import im.sotto.xmpp.pep.PepRequests;
import im.sotto.xmpp.pep.PublishOptions;

import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.NamedElement;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.util.XmlStringBuilder;
import org.jivesoftware.smackx.pubsub.Item;
import org.jivesoftware.smackx.pubsub.ItemsExtension;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PubSubElementType;
import org.jivesoftware.smackx.pubsub.PublishItem;
import org.jivesoftware.smackx.pubsub.packet.PubSub;
import org.jivesoftware.smackx.xdata.FormField;
import org.jivesoftware.smackx.xdata.packet.DataForm;
import org.jxmpp.jid.BareJid;

/**
 * OMEMO 2 in PEP (XEP-0384 0.8, "Device list" and "Bundles"): the device list is the item {@code current} of
 * {@code urn:xmpp:omemo:2:devices}; every device's bundle is the item named by its device id in the one node
 * {@code urn:xmpp:omemo:2:bundles}, which therefore needs {@code pubsub#max_items=max}. Both are published with
 * {@code pubsub#access_model=open} so that clients without a presence subscription can start sessions; a server
 * without publish-options gets a plain publish (its defaults). Our device is added to the list, other clients'
 * devices are kept with their labels.
 */
public final class Omemo2Pep {
    private static final String MAX_ITEMS = "pubsub#max_items";

    private final XMPPConnection connection;

    public Omemo2Pep(XMPPConnection connection) {
        this.connection = Objects.requireNonNull(connection, "connection");
        Omemo2Providers.register();
    }

    /**
     * Publishes {@code bundle} unless the server holds it already (read back: a login must not republish it as a
     * fixed cost, issue #20), then the device list with its device added when it is missing; returns the list.
     */
    public Omemo2DeviceList publish(Omemo2Bundle bundle) throws PepException, InterruptedException {
        BareJid self = self();
        Omemo2DeviceList current = fetchDeviceListOrEmpty(self);
        Omemo2BundleElement ours = Omemo2BundleElement.of(bundle);
        if (!serverHolds(self, bundle.deviceId(), ours)) {
            publish(self, Omemo2Names.BUNDLES_NODE, Integer.toUnsignedString(bundle.deviceId()), ours, true);
        }
        Omemo2DeviceList merged = current.with(bundle.deviceId());
        if (!merged.ids().equals(current.ids())) {
            publish(self, Omemo2Names.DEVICE_LIST_NODE, Omemo2Names.CURRENT_ITEM, merged, false);
        }
        return merged;
    }

    /**
     * Whether the server's item for our device is {@code ours}: parsed and written again as we write ours, so only
     * its content counts. False when there is none or one that does not parse (publishing is the repair).
     */
    private boolean serverHolds(BareJid self, int deviceId, Omemo2BundleElement ours) throws InterruptedException {
        try {
            Omemo2BundleElement held = fetch(self, Omemo2Names.BUNDLES_NODE, Integer.toUnsignedString(deviceId),
                    Omemo2BundleElement.class);
            String heldAsWritten = Omemo2BundleElement.of(held.forDevice(deviceId)).toXML().toString();
            return heldAsWritten.equals(ours.toXML().toString());
        } catch (PepException | OmemoException e) {
            return false;
        }
    }

    /** {@code owner}'s OMEMO 2 devices; an empty list when it has no node (or, for us, a node we cannot read). */
    public Omemo2DeviceList fetchDeviceListOrEmpty(BareJid owner) throws PepException, InterruptedException {
        try {
            Omemo2DeviceList list = fetch(owner, Omemo2Names.DEVICE_LIST_NODE, null, Omemo2DeviceList.class);
            if (list.malformedReason().isPresent()) {
                throw new PepException(Kind.MALFORMED_ITEM, owner + "'s OMEMO 2 device list: "
                        + list.malformedReason().get());
            }
            return list;
        } catch (PepException e) {
            if (e.kind() == Kind.NOT_FOUND || e.kind() == Kind.ACCESS_DENIED && owner.equals(self())) {
                return Omemo2DeviceList.of(List.of());
            }
            throw e;
        }
    }

    /** The bundle {@code owner} publishes for {@code deviceId}, parsed (its signature is checked on use). */
    public Omemo2Bundle fetchBundle(BareJid owner, int deviceId) throws PepException, InterruptedException {
        Omemo2BundleElement element = fetch(owner, Omemo2Names.BUNDLES_NODE, Integer.toUnsignedString(deviceId),
                Omemo2BundleElement.class);
        try {
            return element.forDevice(deviceId);
        } catch (OmemoException e) {
            throw new PepException(Kind.MALFORMED_ITEM, owner + "'s OMEMO 2 bundle " + deviceId + ": "
                    + e.getMessage());
        }
    }

    private void publish(BareJid self, String node, String itemId, ExtensionElement payload, boolean manyItems)
            throws PepException, InterruptedException {
        try {
            send(request(self, node, itemId, payload, new Options(manyItems)));
        } catch (XMPPException.XMPPErrorException e) {
            StanzaError error = e.getStanzaError();
            if (manyItems) {
                // ejabberd refuses max_items among publish-options: publish open, then configure the node.
                publishThenConfigure(self, node, itemId, payload);
                return;
            }
            boolean noPublishOptions = error.getCondition() == StanzaError.Condition.feature_not_implemented
                    || error.getCondition() == StanzaError.Condition.bad_request;
            if (!noPublishOptions) {
                throw new PepException(Kind.REFUSED, error.getCondition(), "publishing " + node + " failed: "
                        + error.getDescriptiveText(), e);
            }
            try {
                send(request(self, node, itemId, payload, null));
            } catch (XMPPException.XMPPErrorException again) {
                throw new PepException(Kind.REFUSED, again.getStanzaError().getCondition(), "publishing " + node
                        + " without publish-options failed", again);
            }
        }
    }

    /**
     * For a server that takes no {@code max_items} in publish-options: the bundle is published with open access, then
     * the node is configured to keep every device's item (a server that refuses this keeps our newest item only, so
     * another device of ours may overwrite ours: refused loudly rather than published into a node that drops it).
     */
    private void publishThenConfigure(BareJid self, String node, String itemId, ExtensionElement payload)
            throws PepException, InterruptedException {
        publish(self, node, itemId, payload, false);
        DataForm form = DataForm.builder(DataForm.Type.submit)
                .addField(FormField.buildHiddenFormType("http://jabber.org/protocol/pubsub#node_config"))
                .addField(FormField.textSingleBuilder(MAX_ITEMS).setValue("max").build())
                .build();
        try {
            send(PubSub.createPubsubPacket(self, IQ.Type.set, new org.jivesoftware.smackx.pubsub.FormNode(
                    org.jivesoftware.smackx.pubsub.FormNodeType.CONFIGURE_OWNER, node, form)));
        } catch (XMPPException.XMPPErrorException e) {
            throw new PepException(Kind.REFUSED, e.getStanzaError().getCondition(), "the server will not keep one "
                    + "bundle per device in " + node, e);
        }
    }

    private static PubSub request(BareJid self, String node, String itemId, ExtensionElement payload,
            Options options) {
        PubSub publish = PubSub.createPubsubPacket(self, IQ.Type.set,
                new PublishItem<>(node, new PayloadItem<>(itemId, payload)));
        if (options != null) {
            publish.addExtension(options);
        }
        return publish;
    }

    private <E extends ExtensionElement> E fetch(BareJid owner, String node, String itemId, Class<E> type)
            throws PepException, InterruptedException {
        PubSub response;
        try {
            response = PepRequests.read(connection, itemsRequest(owner, node, itemId), owner, node);
        } catch (XMPPException.XMPPErrorException e) {
            throw new PepException(Kind.REFUSED, e.getStanzaError().getCondition(),
                    "fetching " + node + " from " + owner + " failed", e);
        }
        ItemsExtension items = response.getExtension(PubSubElementType.ITEMS);
        if (items == null || items.getItems().isEmpty()) {
            throw new PepException(Kind.NOT_FOUND, owner + "'s node " + node + " has no item "
                    + (itemId == null ? "" : itemId));
        }
        NamedElement found = null;
        for (NamedElement element : items.getItems()) {
            // The device list node keeps one item; a server that returns more lists the newest last.
            if (itemId == null || element instanceof Item i && itemId.equals(i.getId())) {
                found = element;
            }
        }
        Object payload = found instanceof PayloadItem ? ((PayloadItem<?>) found).getPayload() : null;
        if (!type.isInstance(payload)) {
            throw new PepException(Kind.MALFORMED_ITEM, owner + "'s item in " + node + " is not a "
                    + type.getSimpleName());
        }
        return type.cast(payload);
    }

    /** The whole node ({@code itemId} null: the device list), or one item of it (a device's bundle). */
    private static PubSub itemsRequest(BareJid owner, String node, String itemId) {
        return itemId == null ? PepRequests.itemsRequest(owner, node) : PepRequests.itemRequest(owner, node, itemId);
    }

    /** The read of {@code owner}'s device list as {@link #fetchDeviceListOrEmpty} sends it (to send it ahead). */
    public static IQ deviceListRead(BareJid owner) {
        return itemsRequest(owner, Omemo2Names.DEVICE_LIST_NODE, null);
    }

    /** The reads {@link #publish} makes at a login, for {@link PepReadAhead#readAhead}. */
    public static List<IQ> loginReads(BareJid self, int deviceId) {
        return List.of(itemsRequest(self, Omemo2Names.DEVICE_LIST_NODE, null),
                itemsRequest(self, Omemo2Names.BUNDLES_NODE, Integer.toUnsignedString(deviceId)));
    }

    private IQ send(IQ request) throws XMPPException.XMPPErrorException, PepException, InterruptedException {
        return PepRequests.send(connection, request);
    }

    private BareJid self() throws PepException {
        if (connection.getUser() == null) {
            throw new PepException(Kind.NO_RESPONSE, "not logged in");
        }
        return connection.getUser().asBareJid();
    }

    /** Publish-options: open access, and for the bundles node room for every device's item. */
    private static final class Options implements ExtensionElement {
        private final DataForm form;

        Options(boolean manyItems) {
            DataForm.Builder builder = DataForm.builder(DataForm.Type.submit)
                    .addField(FormField.buildHiddenFormType(PublishOptions.FORM_TYPE))
                    .addField(FormField.textSingleBuilder(PublishOptions.ACCESS_MODEL).setValue(PublishOptions.OPEN)
                            .build());
            if (manyItems) {
                builder.addField(FormField.textSingleBuilder(MAX_ITEMS).setValue("max").build());
            }
            this.form = builder.build();
        }

        @Override
        public String getNamespace() {
            return PublishOptions.NAMESPACE;
        }

        @Override
        public String getElementName() {
            return PublishOptions.ELEMENT;
        }

        @Override
        public XmlStringBuilder toXML(XmlEnvironment enclosingNamespace) {
            XmlStringBuilder xml = new XmlStringBuilder(this, enclosingNamespace);
            xml.rightAngleBracket();
            xml.append(form.toXML(new XmlEnvironment(PublishOptions.NAMESPACE)));
            xml.closeElement(this);
            return xml;
        }
    }
}
