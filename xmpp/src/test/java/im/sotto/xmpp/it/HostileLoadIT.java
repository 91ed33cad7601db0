package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import im.sotto.protocol.handshake.HandshakeConfig;
import im.sotto.protocol.handshake.OnlineInitiator;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.xmpp.UndecryptableReason;
import im.sotto.xmpp.SecurityEvent.UndecryptableStanza;
import im.sotto.xmpp.HandshakeRateLimit;
import im.sotto.xmpp.SottoAccount;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.FromMatchesFilter;
import org.jivesoftware.smack.filter.StanzaExtensionFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.jxmpp.jid.Jid;

/**
 * Limits under hostile load, on the real Prosody: carol (who has no Sotto; a stranger or a hostile contact) floods
 * bob with handshake openings and with ratchet messages for sessions that do not exist, while alice and bob go on
 * talking. Bob answers carol's openings only at {@code HandshakeRateLimit}'s rate, reports every stanza he drops
 * with its typed reason, keeps nothing per stanza (heap after collection), and alice's messages keep arriving
 * within {@link LoadProbe#LEGITIMATE_LATENCY_BOUND}. Prosody alone: the limits are the client's, and what ejabberd
 * does with a flood (its shapers) would only hide them.
 */
@ExtendWith(XmppServersExtension.class)
class HostileLoadIT {
    /** Handshake openings in the flood: 200 times the burst, so a missing rate limit cannot hide in the bound. */
    static final int FLOOD_OPENINGS = 2000;
    /** Ratchet messages for no session (random headers: "far ahead" of anything bob holds). */
    static final int FLOOD_NO_SESSION = 2000;
    static final int BATCH = 250;
    /**
     * What bob's heap may grow by over the flood (after collection, with the test's own record of events cleared).
     * The flood is 4000 stanzas; had Sotto kept a responder (a few KiB of key material and transcript) per opening
     * or anything per dropped stanza, it would exceed this; what it may keep (a responder per JID, 512 remembered
     * handshake digests, one rate bucket) is well under 1 MiB. The rest is room for collector noise in a shared JVM.
     */
    static final long HEAP_GROWTH_BOUND = 6L << 20;

    @Test
    void aFloodFromOneAccountIsAnsweredAtTheRateLimitReportedAndDoesNotSlowAConversation(XmppServers servers)
            throws Exception {
        XmppServers.Server server = servers.get(ServerKind.PROSODY);
        String s = UUID.randomUUID().toString().substring(0, 8);
        SottoParty alice = new SottoParty().connect(server.connection("alice", "a-" + s));
        SottoParty bob = new SottoParty().connect(server.connection("bob", "b-" + s));
        XMPPTCPConnection carol = Pair.login(server.connection("carol", "c-" + s));
        try {
            Jid bobJid = bob.connection.getUser();
            AtomicInteger answersToCarol = new AtomicInteger();
            carol.addAsyncStanzaListener(stanza -> answersToCarol.incrementAndGet(), new AndFilter(
                    FromMatchesFilter.createFull(bobJid),
                    new StanzaExtensionFilter(SottoEncrypted.ELEMENT, SottoEncrypted.NAMESPACE)));
            LoadProbe.exchange(alice, bob, "before the flood " + s);
            LoadProbe.exchange(bob, alice, "before the flood, back " + s);
            long heapBefore = LoadProbe.heapAfterGc();

            DeviceIdentity stranger = SottoAccount.open(new InMemoryAccountStore(), new SecureRandom(),
                    Clock.systemUTC()).device();
            SecureRandom random = new SecureRandom();
            long started = System.nanoTime();
            Duration worst = flood(carol, alice, bob, FLOOD_OPENINGS, () -> new SottoEncrypted(
                    SottoEncrypted.Kind.HANDSHAKE, OnlineInitiator.create(HandshakeConfig.builder(stranger).build(),
                    random, Clock.systemUTC()).start()));
            awaitUntil(() -> count(bob, UndecryptableReason.RATE_LIMITED) + answersToCarol.get() >= FLOOD_OPENINGS);
            double seconds = (System.nanoTime() - started) / 1e9;
            int answered = answersToCarol.get();
            int rateLimited = count(bob, UndecryptableReason.RATE_LIMITED);

            worst = max(worst, flood(carol, alice, bob, FLOOD_NO_SESSION, () -> {
                byte[] payload = new byte[120];
                random.nextBytes(payload);
                payload[0] = 1;
                return new SottoEncrypted(SottoEncrypted.Kind.RATCHET, payload);
            }));
            awaitUntil(() -> count(bob, UndecryptableReason.NO_SESSION) >= FLOOD_NO_SESSION);
            int noSession = count(bob, UndecryptableReason.NO_SESSION);
            int heals = answersToCarol.get() - answered;
            int allowed = HandshakeRateLimit.BURST + (int) (seconds / HandshakeRateLimit.REFILL_INTERVAL.toSeconds()) + 1;
            System.out.printf("hostile load: %d openings in %.1f s: bob answered %d, rate-limited %d; %d no-session "
                    + "stanzas reported %d, healing handshakes %d; slowest legitimate message %d ms%n",
                    FLOOD_OPENINGS, seconds, answered, rateLimited, FLOOD_NO_SESSION, noSession, heals,
                    worst.toMillis());
            assertTrue(answered >= HandshakeRateLimit.BURST, "the burst is answered: " + answered);
            assertTrue(answered <= allowed, "bob answered " + answered + " openings in " + seconds
                    + " s; the rate limit allows " + allowed);
            assertEquals(FLOOD_OPENINGS, rateLimited + answered, "every opening is answered or reported");
            assertEquals(FLOOD_NO_SESSION, noSession, "every ratchet message for no session is reported");
            assertTrue(heals <= 1, "healing towards carol is rate-limited too: " + heals);
            assertEquals(0, LoadProbe.count(bob, UndecryptableStanza.class, e -> !e.peer().equals(
                    carol.getUser().asBareJid())), "nothing of alice's was dropped");

            bob.events.clear();
            long heapAfter = LoadProbe.heapAfterGc();
            System.out.printf("hostile load: heap after collection %d KiB before, %d KiB after%n",
                    heapBefore >> 10, heapAfter >> 10);
            assertTrue(heapAfter - heapBefore < HEAP_GROWTH_BOUND, "heap grew by " + ((heapAfter - heapBefore) >> 10)
                    + " KiB over the flood; bound " + (HEAP_GROWTH_BOUND >> 10) + " KiB");
            LoadProbe.exchange(alice, bob, "after the flood " + s);
        } finally {
            carol.disconnect();
            alice.disconnect();
            bob.disconnect();
        }
    }

    /**
     * Carol sends {@code count} stanzas, each with one element from {@code element}, to bob in batches; after each
     * batch alice and bob exchange a message both ways (behind the batch on bob's connection and worker). Returns
     * the slowest of those exchanges.
     */
    private static Duration flood(XMPPTCPConnection carol, SottoParty alice, SottoParty bob, int count,
            ThrowingSupplier<SottoEncrypted> element) throws Exception {
        Duration worst = Duration.ZERO;
        for (int sent = 0; sent < count; sent += BATCH) {
            for (int i = sent; i < Math.min(count, sent + BATCH); i++) {
                carol.sendStanza(StanzaBuilder.buildMessage().to(bob.connection.getUser()).ofType(Message.Type.chat)
                        .addExtension(element.get()).build());
            }
            String tag = "while carol floods, " + sent + " " + UUID.randomUUID();
            worst = max(worst, max(LoadProbe.exchange(alice, bob, tag), LoadProbe.exchange(bob, alice, tag + " back")));
        }
        return worst;
    }

    @FunctionalInterface
    private interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    private static int count(SottoParty party, UndecryptableReason reason) {
        return LoadProbe.count(party, UndecryptableStanza.class, e -> e.reason() == reason);
    }

    private static void awaitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
