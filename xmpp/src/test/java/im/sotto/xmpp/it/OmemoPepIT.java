package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.Executors;

import im.sotto.protocol.omemo.OmemoBundle;
import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.xmpp.omemo.Axolotl;
import im.sotto.xmpp.omemo.AxolotlDeviceList;
import im.sotto.xmpp.omemo.OmemoBinding;
import im.sotto.xmpp.omemo.OmemoPep;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PublishItem;
import org.jivesoftware.smackx.pubsub.packet.PubSub;
import org.jxmpp.jid.BareJid;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** OMEMO 0.3 in PEP on real servers: the device list is merged, never cut, and both nodes are open to strangers. */
@ExtendWith(XmppServersExtension.class)
class OmemoPepIT {
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void publishingKeepsOtherClientsDevicesAndIsReadableWithoutASubscription(ServerKind kind, XmppServers servers)
            throws Exception {
        try (Pair pair = new Pair(servers.get(kind))) {
            BareJid alice = pair.alice.getUser().asBareJid();
            // Another OMEMO client of Alice's (a phone) listed its device before Sotto ever ran.
            int phone = 4242;
            AxolotlDeviceList before = new OmemoPep(pair.alice).fetchDeviceListOrEmpty(alice).with(phone);
            PubSub publish = PubSub.createPubsubPacket(alice, IQ.Type.set, new PublishItem<>(
                    Axolotl.DEVICE_LIST_NODE, new PayloadItem<>(Axolotl.CURRENT_ITEM, before)));
            pair.alice.createStanzaCollectorAndSend(publish).nextResultOrThrow();

            OmemoBinding omemo = new OmemoBinding(pair.alice, new InMemoryAccountStore(), new SecureRandom(),
                    Clock.systemUTC(), Executors.newSingleThreadExecutor(), e -> { }, s -> { });
            AxolotlDeviceList published = omemo.publishOrThrow();
            assertTrue(published.devices().containsAll(before.devices()), "nothing dropped: " + published.devices());
            assertTrue(published.devices().contains(omemo.deviceId()));

            // Bob has no presence subscription to Alice: open access lets him read both nodes.
            OmemoPep bobs = new OmemoPep(pair.bob);
            assertEquals(published.devices(), bobs.fetchDeviceList(alice).devices());
            OmemoBundle bundle = bobs.fetchBundle(alice, omemo.deviceId());
            assertTrue(bundle.signatureValid());
            assertEquals(omemo.identityKey(), bundle.identityKey());
            assertEquals(100, bundle.preKeys().size());

            // Republishing (every login) lists the device once.
            assertEquals(published.devices(), omemo.publishOrThrow().devices());
            assertEquals(Set.copyOf(published.devices()).size(), published.devices().size());
        }
    }
}
