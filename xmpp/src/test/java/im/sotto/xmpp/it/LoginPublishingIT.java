package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.xmpp.SottoAccount;
import im.sotto.xmpp.SottoManager;
import im.sotto.xmpp.pep.BundlePublisher;
import im.sotto.xmpp.pep.DeviceId;
import im.sotto.xmpp.pep.PepReadAhead;

import org.jivesoftware.smack.StanzaListener;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.pubsub.PubSubElementType;
import org.jivesoftware.smackx.pubsub.packet.PubSub;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The bundle is published when it changed or the server's copy differs, never as a fixed cost of every login: the
 * publishes a login sends are counted on the wire (pubsub publish requests leaving the client).
 */
@ExtendWith(XmppServersExtension.class)
class LoginPublishingIT {
    private static final long WAIT_MS = 20_000;

    /** Logs in with Sotto enabled, waits for {@link SottoManager#ensurePublished}, returns the publishes sent. */
    private static int publishesOfOneLogin(XmppServers.Server server, SottoAccount account) throws Exception {
        XMPPTCPConnection connection = server.connection("alice", "p-" + UUID.randomUUID().toString().substring(0, 8));
        AtomicInteger publishes = new AtomicInteger();
        StanzaListener counter = stanza -> publishes.incrementAndGet();
        connection.addStanzaSendingListener(counter, stanza -> stanza instanceof PubSub p && p.getType() == IQ.Type.set
                && p.getExtension(PubSubElementType.PUBLISH) != null);
        SottoManager manager = SottoManager.enable(connection, account);
        try {
            Pair.login(connection);
            manager.ensurePublished().get(WAIT_MS, TimeUnit.MILLISECONDS);
            Thread.sleep(500); // sending listeners run on Smack's executor, after the stanza went out
            return publishes.get();
        } finally {
            manager.disable();
            connection.disconnect();
        }
    }

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aSecondLoginPublishesNothingAndADifferingServerCopyIsRepublishedOnce(ServerKind kind, XmppServers servers)
            throws Exception {
        XmppServers.Server server = servers.get(kind);
        SottoAccount account = SottoAccount.open(new InMemoryAccountStore(), new SecureRandom(), Clock.systemUTC());
        DeviceId device = DeviceId.of((int) account.device().deviceId());
        byte[][] published = new byte[1][];

        // A new device: bundle and device list are published (each once).
        assertEquals(2, publishesOfOneLogin(server, account), "first login publishes bundle and list");

        // Nothing changed: the login reads both back and publishes nothing (it used to republish on every login).
        assertEquals(0, publishesOfOneLogin(server, account), "a second login must not publish");

        // The server's copy differs (another client overwrote it, or the server lost it): the next login repairs it.
        XMPPTCPConnection other = Pair.login(server.connection("alice", "other-" + UUID.randomUUID().toString()
                .substring(0, 8)));
        try {
            BundlePublisher publisher = new BundlePublisher(other);
            published[0] = publisher.fetchBundle(other.getUser().asBareJid(), device);
            byte[] damaged = published[0].clone();
            damaged[damaged.length - 1] ^= 1;
            publisher.publish(device, damaged);
            assertEquals(2, publishesOfOneLogin(server, account), "the bundle and list published again");
            assertFalse(Arrays.equals(damaged, publisher.fetchBundle(other.getUser().asBareJid(), device)),
                    "the server serves this device's real bundle again");
        } finally {
            other.disconnect();
        }
        assertEquals(0, publishesOfOneLogin(server, account), "repaired: nothing to publish again");
    }

    /**
     * The login's own-node reads are sent ahead and their answers kept for the checks (PepReadAhead). A kept answer
     * must never hide a change: after this device publishes, a read asks the server again and sees the new copy.
     */
    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aReadAheadAnswerIsNotUsedAfterThisDevicePublished(ServerKind kind, XmppServers servers) throws Exception {
        XmppServers.Server server = servers.get(kind);
        XMPPTCPConnection connection = Pair.login(server.connection("alice", "ra-" + UUID.randomUUID().toString()
                .substring(0, 8)));
        try {
            BundlePublisher publisher = new BundlePublisher(connection);
            var self = connection.getUser().asBareJid();
            DeviceId device = DeviceId.of(0x5eed0001);
            byte[] first = new byte[] {1, 2, 3};
            byte[] second = new byte[] {4, 5, 6};
            publisher.publish(device, first);

            try (PepReadAhead.Batch batch = PepReadAhead.of(connection).readAhead(
                    BundlePublisher.loginReads(self, device))) {
                assertArrayEquals(first, publisher.fetchBundle(self, device), "the read-ahead answer: the copy held");
                publisher.publish(device, second);
                assertArrayEquals(second, publisher.fetchBundle(self, device),
                        "after a publish the read goes to the server, not to the answer read ahead");
            }

            // An answer no read took while its batch was open is dropped with it: a copy changed on the server after
            // that (here by another connection, as a relay or another device would) is what a later read sees.
            XMPPTCPConnection other = Pair.login(server.connection("alice", "rb-" + UUID.randomUUID().toString()
                    .substring(0, 8)));
            try {
                PepReadAhead.of(connection).readAhead(BundlePublisher.loginReads(self, device)).close();
                new BundlePublisher(other).publish(device, first);
                assertArrayEquals(first, publisher.fetchBundle(self, device),
                        "after its batch closed, the answer read ahead is not used");
            } finally {
                other.disconnect();
            }
            publisher.withdraw(device);
        } finally {
            connection.disconnect();
        }
    }
}
