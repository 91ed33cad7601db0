package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue #23 item 3: a device's first run takes the archive's end as its start (older messages were for other
 * devices). That is only sound if nothing for the device can be archived before that mark, i.e. if the device's
 * bundle (without which no one can write to it) is published only after the mark is stored. The relay swallows the
 * new device's archive queries for a while (a loaded server that does not answer): its bundle must not be published
 * meanwhile. Before the fix a failed first catch-up fell through to publishing, and a message for the device sent
 * before the next run's mark was skipped by it, never processed nor reported.
 */
@ExtendWith(XmppServersExtension.class)
class FirstRunPositionIT {
    /** Short, so the swallowed archive queries fail (and are tried again) within seconds. */
    private static final long REPLY_TIMEOUT_MS = 2_000;

    @ParameterizedTest
    @EnumSource(ServerKind.class)
    void aFirstRunPublishesItsBundleOnlyAfterItStoredWhereTheArchiveEnds(ServerKind kind, XmppServers servers)
            throws Exception {
        XmppServers.Server server = servers.get(kind);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        try (HostileRelay relay = new HostileRelay(server)) {
            String resource = "first-" + suffix;
            AtomicBoolean answerArchive = new AtomicBoolean(false);
            AtomicBoolean swallowedOne = new AtomicBoolean(false);
            relay.rule(stanza -> {
                boolean fromNewDevice = stanza.toServer() && stanza.link().jid() != null
                        && stanza.link().jid().endsWith("/" + resource);
                if (fromNewDevice && stanza.xml().startsWith("<iq") && stanza.contains("urn:xmpp:mam:2")
                        && stanza.contains("<query") && !answerArchive.get()) {
                    swallowedOne.set(true);
                    return List.of();
                }
                return List.of(stanza.xml());
            });
            XMPPTCPConnection connection = server.connectionVia("bob", resource, relay.port());
            connection.setReplyTimeout(REPLY_TIMEOUT_MS);
            SottoParty device = new SottoParty();
            CompletableFuture<SottoParty> started = CompletableFuture.supplyAsync(() -> {
                try {
                    return device.connect(connection);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SottoParty.WAIT_MS);
            while (!swallowedOne.get() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(swallowedOne.get(), "the new device asked its archive where it ends");
            // Past the first query's timeout: the old code had published by now.
            Thread.sleep(REPLY_TIMEOUT_MS + 1_000);
            assertEquals(0, bundlePublishes(relay, resource), "the bundle was published before the archive's end "
                    + "was stored");
            assertTrue(device.account.store().transact(s -> s.archiveCursor().load()).isEmpty());

            answerArchive.set(true);
            started.get(SottoParty.WAIT_MS * 2, TimeUnit.MILLISECONDS);
            assertTrue(device.account.store().transact(s -> s.archiveCursor().load()).isPresent(),
                    "the archive's end is stored");
            assertTrue(bundlePublishes(relay, resource) > 0, "the bundle is published once the mark is stored");
            device.disconnect();
        }
    }

    /** Publishes of a Sotto bundle node the relay saw from the device at {@code resource}. */
    private static long bundlePublishes(HostileRelay relay, String resource) {
        return relay.seen(stanza -> stanza.toServer() && stanza.link().jid() != null
                && stanza.link().jid().endsWith("/" + resource) && stanza.xml().startsWith("<iq")
                && stanza.contains("<publish") && stanza.contains("/bundles:")).size();
    }
}
