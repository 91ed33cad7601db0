package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.xmpp.SottoAccount;
import im.sotto.xmpp.SottoManager;
import im.sotto.xmpp.omemo.Axolotl;
import im.sotto.xmpp.omemo.OmemoPep;
import im.sotto.xmpp.omemo2.Omemo2Names;

import org.jivesoftware.smack.StanzaListener;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.pubsub.NodeExtension;
import org.jivesoftware.smackx.pubsub.PubSubElementType;
import org.jivesoftware.smackx.pubsub.PubSubManager;
import org.jivesoftware.smackx.pubsub.packet.PubSub;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * With OMEMO on (as the CLI runs), a login publishes the OMEMO bundles (0.3 and 2) only when the server's copy
 * differs: it used to publish them on every login, the largest wait of a {@code sotto send} (issue #20). Publishes
 * to the OMEMO nodes are counted on the wire.
 */
@ExtendWith(XmppServersExtension.class)
class OmemoLoginPublishingIT {
    private static final long WAIT_MS = 20_000;

    /** Logs in with Sotto and OMEMO on, waits for the login's publishing, returns the OMEMO publishes sent. */
    private static int omemoPublishesOfOneLogin(XmppServers.Server server, SottoAccount account) throws Exception {
        XMPPTCPConnection connection = server.connection("alice", "o-" + UUID.randomUUID().toString().substring(0, 8));
        AtomicInteger publishes = new AtomicInteger();
        StanzaListener counter = stanza -> publishes.incrementAndGet();
        connection.addStanzaSendingListener(counter, stanza -> stanza instanceof PubSub p && p.getType() == IQ.Type.set
                && p.getExtension(PubSubElementType.PUBLISH) instanceof NodeExtension n
                && (n.getNode().startsWith(Axolotl.NAMESPACE) || n.getNode().startsWith(Omemo2Names.NAMESPACE)));
        SottoManager manager = SottoManager.enable(connection, account);
        manager.omemo().enable();
        try {
            Pair.login(connection);
            // The worker publishes OMEMO in the login hook, before this (ordered on the same worker).
            manager.ensurePublished().get(WAIT_MS, TimeUnit.MILLISECONDS);
            // The login hook's failures end on the worker; the same check called here must complete, and publish
            // nothing more: a check that failed (rather than found the copy current) would otherwise count as 0.
            manager.omemo().publishOrThrow();
            Thread.sleep(500); // sending listeners run on Smack's executor, after the stanza went out
            return publishes.get();
        } finally {
            manager.disable();
            connection.disconnect();
        }
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aSecondLoginDoesNotRepublishTheOmemoBundleAndALostCopyIsRepublished(ServerKind kind, XmppServers servers)
            throws Exception {
        XmppServers.Server server = servers.get(kind);
        XMPPTCPConnection other = Pair.login(server.connection("alice", "other-" + UUID.randomUUID().toString()
                .substring(0, 8)));
        try {
            // The shared IT account may hold an OMEMO device list from an earlier test: start without one.
            PubSubManager pep = PubSubManager.getInstanceFor(other, other.getUser().asBareJid());
            try {
                pep.deleteNode(Axolotl.DEVICE_LIST_NODE);
            } catch (Exception noneYet) {
                // nothing to delete
            }
            SottoAccount account = SottoAccount.open(new InMemoryAccountStore(), new SecureRandom(),
                    Clock.systemUTC());

            // ejabberd refuses max_items among publish-options: the OMEMO 2 bundle's first publish is sent twice.
            int firstLogin = kind == ServerKind.EJABBERD ? 5 : 4;
            assertEquals(firstLogin, omemoPublishesOfOneLogin(server, account),
                    "a new device: bundle and device list, of OMEMO 0.3 and of OMEMO 2");
            assertEquals(0, omemoPublishesOfOneLogin(server, account), "nothing changed: nothing published");

            // The server lost the OMEMO 0.3 bundle: the next login publishes it again, and only it.
            var devices = new OmemoPep(other).fetchDeviceList(other.getUser().asBareJid()).devices();
            assertEquals(1, devices.size(), devices.toString());
            int device = devices.iterator().next();
            pep.deleteNode(Axolotl.bundleNode(device));
            assertEquals(1, omemoPublishesOfOneLogin(server, account), "the lost bundle published again");
            assertTrue(new OmemoPep(other).fetchBundle(other.getUser().asBareJid(), device) != null);
            assertEquals(0, omemoPublishesOfOneLogin(server, account), "repaired: nothing to publish again");
        } finally {
            other.disconnect();
        }
    }
}
