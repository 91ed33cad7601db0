package im.sotto.protocol.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.testing.DeterministicRandom;
import org.junit.jupiter.api.Test;

/** Which listed devices get a first message before the next send to their account (docs/protocol.md 7.9). */
class UnmetDevicesTest {
    private static final Instant NOW = Instant.parse("2026-12-07T16:00:00Z");
    private static final DeviceEligibility POLICY = new DeviceEligibility(Duration.ofDays(30));

    @Test
    void aDeviceLinkedAfterOurSessionsIsStartedAndTheMetOnesAreNot() {
        // Alice's phone (11) was met; her laptop (42) was linked later.
        assertEquals(List.of(42L), UnmetDevices.toStart(List.of(11L, 42L), Set.of(11L), 0, PeerDevices.none(), POLICY,
                NOW));
        assertEquals(List.of(), UnmetDevices.toStart(List.of(11L, 42L), Set.of(11L, 42L), 0, PeerDevices.none(),
                POLICY, NOW), "every device met: nothing to start");
    }

    @Test
    void neverThisDeviceItselfWhenTheAccountIsOurs() {
        assertEquals(List.of(42L), UnmetDevices.toStart(List.of(7L, 42L), Set.of(), 7, PeerDevices.none(), POLICY,
                NOW));
    }

    @Test
    void aServerListingARevokedDeviceAgainGetsNoSessionStartedWithIt() {
        AccountIdentity alice = AccountIdentity.generate(new DeterministicRandom("alice"));
        PeerDevices revoked;
        try {
            revoked = PeerDevices.none().apply(RevocationList.empty().with(DeviceRevocation.sign(alice, 42,
                    NOW.minusSeconds(60))), alice.publicKey()).devices();
        } catch (DeviceStatementException e) {
            throw new AssertionError(e);
        }
        assertEquals(List.of(), UnmetDevices.toStart(List.of(11L, 42L), Set.of(11L), 0, revoked, POLICY, NOW));
    }

    @Test
    void aStaleDeviceIsNotStartedUntilItIsHeardFromAgain() {
        PeerDevices stale = PeerDevices.none().heard(42, NOW.minus(Duration.ofDays(31)));
        assertEquals(List.of(), UnmetDevices.toStart(List.of(42L), Set.of(), 0, stale, POLICY, NOW));
        assertEquals(List.of(42L), UnmetDevices.toStart(List.of(42L), Set.of(), 0, stale.heard(42, NOW), POLICY,
                NOW));
    }

    @Test
    void aPaddedListStartsAtMostEightPerMessageLastListedFirstAndIgnoresNonIds() {
        List<Long> listed = new ArrayList<>(List.of(0L, -5L, 1L + Integer.MAX_VALUE));
        for (long id = 1; id <= 64; id++) {
            listed.add(id);
        }
        assertEquals(List.of(64L, 63L, 62L, 61L, 60L, 59L, 58L, 57L), UnmetDevices.toStart(listed, Set.of(), 0,
                PeerDevices.none(), POLICY, NOW));
        assertEquals(UnmetDevices.MAX_PER_MESSAGE, 8);
    }

    /**
     * Bob's list holds twelve devices he left behind (reinstalls, never heard from, so not stale, 7.7), then the
     * laptop he has just linked, whose id happens to be higher than theirs. The laptop appended itself last
     * (BundlePublisher.withinCap): it gets the first message of the next send. Taken lowest id first, the cap of
     * eight went to leftovers and the laptop waited for a later login.
     */
    @Test
    void aNewlyLinkedDeviceListedAfterMoreLeftoversThanTheCapGetsTheFirstMessage() {
        List<Long> listed = new ArrayList<>();
        for (long id = 100; id < 112; id++) {
            listed.add(id);
        }
        long laptop = 2_000_000_000L;
        listed.add(laptop);
        List<Long> chosen = UnmetDevices.toStart(listed, Set.of(), 0, PeerDevices.none(), POLICY, NOW);
        assertEquals(UnmetDevices.MAX_PER_MESSAGE, chosen.size());
        assertEquals(laptop, chosen.get(0), "the newest device first: " + chosen);
        assertEquals(List.of(laptop, 111L, 110L, 109L, 108L, 107L, 106L, 105L), chosen);

        // The same with a new device whose id is lower than every leftover: list order decides, not the id.
        List<Long> lowNew = new ArrayList<>(listed.subList(0, 12));
        lowNew.add(7L);
        assertEquals(7L, UnmetDevices.toStart(lowNew, Set.of(), 0, PeerDevices.none(), POLICY, NOW).get(0));
    }

    @Test
    void anIdAServerListsTwiceIsStartedOnce() {
        assertEquals(List.of(42L, 11L), UnmetDevices.toStart(List.of(11L, 42L, 11L, 42L), Set.of(), 0,
                PeerDevices.none(), POLICY, NOW));
    }
}
