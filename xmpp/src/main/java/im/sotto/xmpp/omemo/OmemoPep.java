package im.sotto.xmpp.omemo;

import java.util.Objects;

import im.sotto.protocol.omemo.OmemoBundle;
import im.sotto.protocol.omemo.OmemoException;
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
 * OMEMO 0.3 in PEP: publishes this device's bundle and adds it to the account's device list (merged: the other
 * clients' devices are kept), and fetches contacts' device lists and bundles.
 *
 * <p>Nodes are published with {@code pubsub#access_model=open} so OMEMO clients that have no presence subscription
 * to us can start a session; a node an OMEMO client created with another model answers {@code precondition-not-met}
 * and is reconfigured once, and a server without publish-options gets a plain publish (its default access model,
 * which on Prosody still lets subscribed contacts read). Fetches are raw {@code <items/>} requests, as in
 * {@code BundlePublisher}.
 */
public final class OmemoPep {
    private static final String NODE_CONFIG_FORM_TYPE = "http://jabber.org/protocol/pubsub#node_config";

    private final XMPPConnection connection;

    public OmemoPep(XMPPConnection connection) {
        this.connection = Objects.requireNonNull(connection, "connection");
        AxolotlProviders.register();
    }

    /**
     * Publishes {@code bundle} unless the server holds it already (read back: a login must not republish it as a
     * fixed cost, issue #20), then the account's device list with its device added when it is missing (a list that
     * exists but does not parse is not overwritten: PepException MALFORMED_ITEM). Returns the device list.
     */
    public AxolotlDeviceList publish(OmemoBundle bundle) throws PepException, InterruptedException {
        BareJid self = self();
        AxolotlDeviceList current = fetchDeviceListOrEmpty(self);
        AxolotlBundle ours = AxolotlBundle.of(bundle);
        if (!serverHolds(self, bundle.deviceId(), ours)) {
            publishOpen(self, Axolotl.bundleNode(bundle.deviceId()), ours);
        }
        AxolotlDeviceList merged = current.with(bundle.deviceId());
        if (!merged.devices().equals(current.devices())) {
            publishOpen(self, Axolotl.DEVICE_LIST_NODE, merged);
        }
        return merged;
    }

    /** The OMEMO devices {@code owner} lists; empty when it has no device list node. */
    public AxolotlDeviceList fetchDeviceListOrEmpty(BareJid owner) throws PepException, InterruptedException {
        try {
            return fetchDeviceList(owner);
        } catch (PepException e) {
            if (e.kind() == Kind.NOT_FOUND || e.kind() == Kind.ACCESS_DENIED && owner.equals(self())) {
                return AxolotlDeviceList.of(java.util.Set.of());
            }
            throw e;
        }
    }

    /**
     * Whether the server's copy of our bundle is {@code ours}: the copy is parsed and written again as we write ours,
     * so only its content counts, not the server's formatting. False when it has none or one that does not parse.
     */
    private boolean serverHolds(BareJid self, int deviceId, AxolotlBundle ours) throws InterruptedException {
        try {
            AxolotlBundle held = fetch(self, Axolotl.bundleNode(deviceId), AxolotlBundle.class);
            String heldAsWritten = AxolotlBundle.of(held.forDevice(deviceId)).toXML().toString();
            return heldAsWritten.equals(ours.toXML().toString());
        } catch (PepException | OmemoException e) {
            return false;   // missing, unreadable, malformed or refused: publishing is the repair
        }
    }

    public AxolotlDeviceList fetchDeviceList(BareJid owner) throws PepException, InterruptedException {
        AxolotlDeviceList list = fetch(owner, Axolotl.DEVICE_LIST_NODE, AxolotlDeviceList.class);
        if (list.malformedReason().isPresent()) {
            throw new PepException(Kind.MALFORMED_ITEM, owner + "'s OMEMO device list: "
                    + list.malformedReason().get());
        }
        return list;
    }

    /** The bundle {@code owner} publishes for {@code deviceId}, parsed (its signature is checked on use). */
    public OmemoBundle fetchBundle(BareJid owner, int deviceId) throws PepException, InterruptedException {
        AxolotlBundle element = fetch(owner, Axolotl.bundleNode(deviceId), AxolotlBundle.class);
        try {
            return element.forDevice(deviceId);
        } catch (OmemoException e) {
            throw new PepException(Kind.MALFORMED_ITEM, owner + "'s OMEMO bundle " + deviceId + ": "
                    + e.getMessage());
        }
    }

    private void publishOpen(BareJid self, String node, ExtensionElement payload)
            throws PepException, InterruptedException {
        try {
            send(publishRequest(self, node, payload, true));
            return;
        } catch (XMPPException.XMPPErrorException e) {
            StanzaError error = e.getStanzaError();
            if (error.getExtension("precondition-not-met", "http://jabber.org/protocol/pubsub#errors") == null) {
                if (error.getCondition() == StanzaError.Condition.feature_not_implemented
                        || error.getCondition() == StanzaError.Condition.bad_request) {
                    publishPlain(self, node, payload);
                    return;
                }
                throw refused("publishing " + node, e);
            }
        }
        reconfigureOpen(self, node);
        try {
            send(publishRequest(self, node, payload, true));
        } catch (XMPPException.XMPPErrorException e) {
            throw refused("publishing " + node + " after reconfiguring it", e);
        }
    }

    /** A server without publish-options: publish under its default access model. */
    private void publishPlain(BareJid self, String node, ExtensionElement payload)
            throws PepException, InterruptedException {
        try {
            send(publishRequest(self, node, payload, false));
        } catch (XMPPException.XMPPErrorException e) {
            throw refused("publishing " + node + " without publish-options", e);
        }
    }

    private static PubSub publishRequest(BareJid self, String node, ExtensionElement payload, boolean open) {
        PubSub publish = PubSub.createPubsubPacket(self, IQ.Type.set,
                new PublishItem<>(node, new PayloadItem<>(Axolotl.CURRENT_ITEM, payload)));
        if (open) {
            publish.addExtension(PublishOptions.OPEN_ACCESS);
        }
        return publish;
    }

    private void reconfigureOpen(BareJid self, String node) throws PepException, InterruptedException {
        DataForm form = DataForm.builder(DataForm.Type.submit)
                .addField(FormField.buildHiddenFormType(NODE_CONFIG_FORM_TYPE))
                .addField(FormField.textSingleBuilder(PublishOptions.ACCESS_MODEL).setValue(PublishOptions.OPEN).build())
                .build();
        try {
            send(PubSub.createPubsubPacket(self, IQ.Type.set, new FormNode(FormNodeType.CONFIGURE_OWNER, node, form)));
        } catch (XMPPException.XMPPErrorException e) {
            throw new PepException(Kind.ACCESS_MODEL_REFUSED, e.getStanzaError().getCondition(),
                    "node " + node + " has another access model and the server refused to open it", e);
        }
    }

    private <E extends ExtensionElement> E fetch(BareJid owner, String node, Class<E> type)
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
        // A node keeps one item ("current"); if a server returns more, the last one is the newest.
        NamedElement last = items.getItems().get(items.getItems().size() - 1);
        Object payload = last instanceof PayloadItem ? ((PayloadItem<?>) last).getPayload() : null;
        if (!type.isInstance(payload)) {
            throw new PepException(Kind.MALFORMED_ITEM, owner + "'s item in " + node + " is not a "
                    + type.getSimpleName());
        }
        return type.cast(payload);
    }

    /** The read of {@code owner}'s device list as {@link #fetchDeviceList} sends it (to send it ahead). */
    public static IQ deviceListRead(BareJid owner) {
        return PepRequests.itemsRequest(owner, Axolotl.DEVICE_LIST_NODE);
    }

    /** The reads {@link #publish} makes at a login, for {@link PepReadAhead#readAhead}. */
    public static java.util.List<IQ> loginReads(BareJid self, int deviceId) {
        return java.util.List.of(PepRequests.itemsRequest(self, Axolotl.DEVICE_LIST_NODE),
                PepRequests.itemsRequest(self, Axolotl.bundleNode(deviceId)));
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

    private static PepException refused(String what, XMPPException.XMPPErrorException e) {
        return new PepException(Kind.REFUSED, e.getStanzaError().getCondition(),
                what + " failed: " + e.getStanzaError().getDescriptiveText(), e);
    }
}
