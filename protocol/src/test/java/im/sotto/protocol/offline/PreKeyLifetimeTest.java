package im.sotto.protocol.offline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.handshake.HandshakeConfig;
import im.sotto.protocol.handshake.HandshakeResult;
import im.sotto.protocol.handshake.HandshakeStep;
import im.sotto.protocol.handshake.OnlineInitiator;
import im.sotto.protocol.handshake.OnlineResponder;
import im.sotto.protocol.testing.DeterministicRandom;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Rotation, grace, refill, and the forward-secrecy window of offline messages, on an injected clock. */
class PreKeyLifetimeTest {
    private static final byte[] AD = new byte[] {1, 2, 3};
    private final SecureRandom random = new SecureRandom();
    private final OfflineParty.MovableClock clock = new OfflineParty.MovableClock();
    private final OfflineParty alice = new OfflineParty(random, clock);
    private final OfflineParty bob = new OfflineParty(random, clock);

    @Test
    void signedPrekeyRotatesWeeklyAndTheOldOneIsDeletedAfterTheGrace() throws Exception {
        long first = bob.vault.bundle().signedPreKeyId();
        clock.advance(Duration.ofDays(6));
        assertFalse(bob.vault.maintain(bob.account, random, clock.instant()), "nothing due before a week");
        clock.advance(Duration.ofDays(1));
        assertTrue(bob.vault.maintain(bob.account, random, clock.instant()));
        assertNotEquals(first, bob.vault.bundle().signedPreKeyId());
        assertEquals(2, bob.vault.signedCount(), "the replaced key is kept for the grace period");
        clock.advance(PreKeyPolicy.DEFAULT_GRACE.minusSeconds(1));
        bob.vault.maintain(bob.account, random, clock.instant());
        assertTrue(bob.vault.signed.stream().anyMatch(k -> k.id == first), "still there one second before");
        clock.advance(Duration.ofSeconds(1));
        bob.vault.maintain(bob.account, random, clock.instant());
        assertFalse(bob.vault.signed.stream().anyMatch(k -> k.id == first), "and deleted when the grace ends");
        assertEquals(2, bob.vault.signedCount(), "the second key was replaced at the same moment, and is kept");
    }

    @Test
    void oneTimePrekeysAreRefilledToAHundredWhenFewerThanTwentyFiveRemain() throws Exception {
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 76; i++) {
            sent.add(alice.sender().send(bob.publishedBundle(), RecipientKnowledge.unknown(), new byte[0], AD)
                    .message());
            assertInstanceOf(IncomingFirstMessage.Accepted.class, bob.receive(sent.get(i), AD));
        }
        assertEquals(24, bob.vault.oneTimeCount());
        long highest = bob.vault.bundle().oneTimePreKeys().keySet().stream().mapToLong(Long::longValue).max()
                .orElseThrow();
        assertTrue(bob.vault.maintain(bob.account, random, clock.instant()));
        assertEquals(PreKeyPolicy.ONE_TIME_TARGET, bob.vault.oneTimeCount());
        assertTrue(bob.vault.bundle().oneTimePreKeys().keySet().stream().filter(id -> id > highest).count() == 76,
                "new prekeys get new, increasing ids");
    }

    @Test
    void aFirstMessageIsReadableWithinTheWindowAndByNobodyAfterIt() throws Exception {
        byte[] early = alice.sender().send(OfflineSessionTest.withoutOneTimeKeys(bob.publishedBundle()),
                RecipientKnowledge.unknown(), utf8("sent on day 0"), AD).message();
        byte[] early2 = alice.sender().send(bob.publishedBundle(), RecipientKnowledge.unknown(),
                utf8("also day 0"), AD).message();
        Duration window = PreKeyPolicy.defaults().forwardSecrecyWindow();
        assertEquals(Duration.ofDays(14), window);

        // Bob comes online on day 13, still inside the window: the message is read.
        clock.advance(Duration.ofDays(7));
        bob.vault.maintain(bob.account, random, clock.instant());
        clock.advance(Duration.ofDays(6));
        bob.vault.maintain(bob.account, random, clock.instant());
        assertInstanceOf(IncomingFirstMessage.Accepted.class,
                bob.receiver().receive(bob.vault, early, AD));

        // On day 15 the key it was sent to has been deleted. A thief who takes Bob's device now (every private key
        // in its prekey record, and its device key) cannot read either message: the receiver tries every key held.
        clock.advance(Duration.ofDays(2));
        bob.vault.maintain(bob.account, random, clock.instant());
        PreKeyVault stolen = PreKeyVault.fromRecord(bob.vault.toRecord());
        FirstMessageReceiver thief = new FirstMessageReceiver(bob.device, random, clock);
        for (byte[] old : List.of(early, early2)) {
            IncomingFirstMessage.Rejected r = assertInstanceOf(IncomingFirstMessage.Rejected.class,
                    thief.receive(stolen, old, AD));
            assertEquals(IncomingFirstMessage.Reason.UNKNOWN_SIGNED_PREKEY, r.reason());
        }
        assertEquals(0, stolen.replayCacheSize(), "replay-cache entries expire with their key");
    }

    @Test
    void onlineHandshakeKeysDependOnNoPrekey() throws Exception {
        // Two worlds, identical but for Bob's prekeys: the online handshake yields the same keys in both.
        HandshakeResult first = online(new OfflineParty(random, clock).vault);
        HandshakeResult second = online(PreKeyVault.create(bob.account, Set.of(CipherSuite.X25519_AESGCM_SHA256),
                PreKeyPolicy.defaults(), new SecureRandom(), clock.instant()));
        assertArrayEquals(first.channelBinding(), second.channelBinding());
        assertTrue(first.seed().rootKey().equalsSecret(second.seed().rootKey()));
    }

    private HandshakeResult online(PreKeyVault unusedBobPrekeys) throws Exception {
        assertTrue(unusedBobPrekeys.oneTimeCount() > 0); // the world really has prekeys
        DeterministicRandom ra = new DeterministicRandom("separation alice");
        DeterministicRandom rb = new DeterministicRandom("separation bob");
        OnlineInitiator a = OnlineInitiator.create(HandshakeConfig.builder(alice.device).build(), ra, clock);
        OnlineResponder b = OnlineResponder.create(HandshakeConfig.builder(bob.device).build(), rb, clock);
        HandshakeStep s2 = b.receive(a.start());
        HandshakeStep s3 = a.receive(s2.message().orElseThrow());
        b.receive(s3.message().orElseThrow());
        return s3.result().orElseThrow();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
