package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.List;

import im.sotto.xmpp.pep.BundleElement;
import im.sotto.xmpp.pep.BundlePublisher;
import im.sotto.xmpp.pep.DeviceId;
import im.sotto.xmpp.pep.DeviceListElement;
import im.sotto.xmpp.pep.PepException;
import im.sotto.xmpp.pep.PepNodes;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.util.XmlStringBuilder;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PublishItem;
import org.jivesoftware.smackx.pubsub.packet.PubSub;
import org.jivesoftware.smackx.xdata.FormField;
import org.jivesoftware.smackx.xdata.packet.DataForm;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.jxmpp.jid.BareJid;

/** PEP done right on real servers: open access via publish-options, order, read-back, repair, peers' fetches. */
@ExtendWith(XmppServersExtension.class)
class BundlePublishingIT {
    private static final SecureRandom RANDOM = new SecureRandom();

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void bundleAndDeviceListArePublishedOpenReadBackAndFetchableByBob(ServerKind kind, XmppServers servers)
            throws Exception {
        try (Pair pair = new Pair(servers.get(kind))) {
            DeviceId device = randomDevice();
            byte[] bundle = randomBytes(1500);
            BundlePublisher.Report report;
            try (StanzaCounter counter = StanzaCounter.iqRequestsAndAnswers(pair.alice)) {
                report = new BundlePublisher(pair.alice).publish(device, bundle);
                counter.settle();
                // disco + publish bundle + read list + publish list + read bundle + read list, each a request and
                // its answer.
                assertEquals(6, counter.sent(), "requests to publish: " + counter);
                assertEquals(6, counter.received(), "answers to publish: " + counter);
                System.out.printf("publish on %s: %s%n", kind, counter);
            }
            assertEquals(List.of(), report.reconfiguredNodes());
            assertTrue(report.publishedDeviceList().contains(device));

            BundlePublisher bobsView = new BundlePublisher(pair.bob);
            assertArrayEquals(bundle, bobsView.fetchBundle(pair.alice.getUser().asBareJid(), device));
            assertTrue(bobsView.fetchDeviceList(pair.alice.getUser().asBareJid()).contains(device));
        }
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void republishingKeepsOtherDevicesAndReplacesTheBundle(ServerKind kind, XmppServers servers) throws Exception {
        try (Pair pair = new Pair(servers.get(kind))) {
            DeviceId first = randomDevice();
            DeviceId second = randomDevice();
            BundlePublisher publisher = new BundlePublisher(pair.bob);
            publisher.publish(first, randomBytes(100));
            publisher.publish(second, randomBytes(100));
            byte[] replaced = randomBytes(120);
            publisher.publish(first, replaced);
            List<DeviceId> devices = publisher.fetchDeviceList(pair.bob.getUser().asBareJid());
            assertTrue(devices.contains(first) && devices.contains(second), devices.toString());
            assertArrayEquals(replaced, new BundlePublisher(pair.alice).fetchBundle(pair.bob.getUser().asBareJid(), first));
        }
    }

    /**
     * A list already at the cap (64 devices, here published by a client that filled it) does not stop a device from
     * publishing itself: the oldest entry goes, the device is listed. Before, publishing threw and the device was
     * unreachable for good.
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aDevicePublishingIntoAFullListPushesOutTheOldestAndIsListed(ServerKind kind, XmppServers servers)
            throws Exception {
        try (Pair pair = new Pair(servers.get(kind))) {
            BundlePublisher publisher = new BundlePublisher(pair.bob);
            BareJid bob = pair.bob.getUser().asBareJid();
            org.jivesoftware.smackx.pubsub.PubSubManager.getInstanceFor(pair.bob, bob)
                    .deleteNode(PepNodes.DEVICE_LIST);
            List<DeviceId> full = new java.util.ArrayList<>();
            for (int i = 0; i < DeviceListElement.MAX_DEVICES; i++) {
                full.add(randomDevice());
            }
            PubSub fill = PubSub.createPubsubPacket(bob, IQ.Type.set, new PublishItem<>(PepNodes.DEVICE_LIST,
                    new PayloadItem<>(PepNodes.ITEM_ID, new DeviceListElement(full))));
            pair.bob.createStanzaCollectorAndSend(fill).nextResultOrThrow();
            assertEquals(full, publisher.fetchDeviceList(bob), "the list is full before");

            DeviceId device = randomDevice();
            publisher.publish(device, randomBytes(100));

            List<DeviceId> after = publisher.fetchDeviceList(bob);
            assertEquals(DeviceListElement.MAX_DEVICES, after.size());
            assertTrue(after.contains(device), "the publishing device is listed");
            assertEquals(full.subList(1, full.size()), after.subList(0, after.size() - 1), "only the oldest went");
        }
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aNodeWithAnotherAccessModelIsReconfiguredOnPreconditionNotMet(ServerKind kind, XmppServers servers)
            throws Exception {
        try (Pair pair = new Pair(servers.get(kind))) {
            DeviceId device = randomDevice();
            String node = PepNodes.bundle(device);
            publishWithAccessModel(pair, node, "presence");

            BundlePublisher.Report report = new BundlePublisher(pair.alice).publish(device, randomBytes(64));

            assertEquals(List.of(node), report.reconfiguredNodes());
            byte[] fetched = new BundlePublisher(pair.bob).fetchBundle(pair.alice.getUser().asBareJid(), device);
            assertEquals(64, fetched.length);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void fetchingAMissingBundleIsDiagnosed(ServerKind kind, XmppServers servers) throws Exception {
        try (Pair pair = new Pair(servers.get(kind))) {
            PepException e = assertThrows(PepException.class, () ->
                    new BundlePublisher(pair.bob).fetchBundle(pair.alice.getUser().asBareJid(), randomDevice()));
            // Prosody answers 'forbidden' for a node that does not exist when the asker has no presence
            // subscription, so as not to reveal which nodes exist; ejabberd says 'item-not-found'.
            PepException.Kind expected = kind == ServerKind.PROSODY ? PepException.Kind.ACCESS_DENIED : PepException.Kind.NOT_FOUND;
            assertEquals(expected, e.kind(), e.getMessage());
        }
    }

    /** What an older client might leave behind: the node created with a tighter access model. */
    private static void publishWithAccessModel(Pair pair, String node, String accessModel) throws Exception {
        PubSub publish = PubSub.createPubsubPacket(pair.alice.getUser().asBareJid(), IQ.Type.set,
                new PublishItem<>(node, new PayloadItem<>(PepNodes.ITEM_ID, new BundleElement(new byte[] {1}))));
        DataForm form = DataForm.builder(DataForm.Type.submit)
                .addField(FormField.buildHiddenFormType("http://jabber.org/protocol/pubsub#publish-options"))
                .addField(FormField.textSingleBuilder("pubsub#access_model").setValue(accessModel).build())
                .build();
        publish.addExtension(new RawElement("publish-options", PubSub.NAMESPACE, form));
        pair.alice.createStanzaCollectorAndSend(publish).nextResultOrThrow();
    }

    private static final class RawElement implements org.jivesoftware.smack.packet.ExtensionElement {
        private final String element;
        private final String namespace;
        private final DataForm form;

        RawElement(String element, String namespace, DataForm form) {
            this.element = element;
            this.namespace = namespace;
            this.form = form;
        }

        @Override
        public String getNamespace() {
            return namespace;
        }

        @Override
        public String getElementName() {
            return element;
        }

        @Override
        public XmlStringBuilder toXML(org.jivesoftware.smack.packet.XmlEnvironment enclosing) {
            XmlStringBuilder xml = new XmlStringBuilder(this, enclosing);
            xml.rightAngleBracket().append(form.toXML()).closeElement(this);
            return xml;
        }
    }

    private static DeviceId randomDevice() {
        return DeviceId.of(1 + RANDOM.nextInt(Integer.MAX_VALUE - 1));
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
