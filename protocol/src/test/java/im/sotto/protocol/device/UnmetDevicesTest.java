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
    void aPaddedListStartsAtMostEightPerMessageLowestIdsFirstAndIgnoresNonIds() {
        List<Long> listed = new ArrayList<>(List.of(0L, -5L, 1L + Integer.MAX_VALUE));
        for (long id = 64; id >= 1; id--) {
            listed.add(id);
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), UnmetDevices.toStart(listed, Set.of(), 0,
                PeerDevices.none(), POLICY, NOW));
        assertEquals(UnmetDevices.MAX_PER_MESSAGE, 8);
    }
}
