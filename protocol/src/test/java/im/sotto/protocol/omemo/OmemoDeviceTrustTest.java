package im.sotto.protocol.omemo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.omemo.OmemoNegotiation.Choice;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Trust records of peer OMEMO devices, and the choice of protocol per contact (stickiness). */
class OmemoDeviceTrustTest {
    private static OmemoIdentityKey key(int fill) throws OmemoException {
        byte[] k = new byte[32];
        java.util.Arrays.fill(k, (byte) fill);
        return OmemoIdentityKey.of(k);
    }

    @Test
    void recordsRoundTripAndMalformedOnesAreRefused() throws Exception {
        for (OmemoTrustLevel level : OmemoTrustLevel.values()) {
            OmemoDeviceTrust t = new OmemoDeviceTrust(key(3), level);
            assertEquals(t, OmemoDeviceTrust.decode(t.encode()));
        }
        byte[] good = new OmemoDeviceTrust(key(3), OmemoTrustLevel.BLIND).encode();
        byte[] badVersion = good.clone();
        badVersion[0] = 2;
        byte[] badLevel = good.clone();
        badLevel[good.length - 1] = 9;
        for (byte[] bad : List.of(badVersion, badLevel, new byte[0], java.util.Arrays.copyOf(good, 33))) {
            assertEquals(OmemoFailure.MALFORMED,
                    assertThrows(OmemoException.class, () -> OmemoDeviceTrust.decode(bad)).reason());
        }
    }

    @Test
    void aFirstSeenDeviceIsTrustedBlindlyUnlessTheContactHasAVerifiedDevice() throws Exception {
        assertEquals(OmemoTrustLevel.BLIND, OmemoDeviceTrust.firstSight(key(1), List.of()).level());
        assertEquals(OmemoTrustLevel.BLIND, OmemoDeviceTrust.firstSight(key(1),
                List.of(new OmemoDeviceTrust(key(2), OmemoTrustLevel.BLIND))).level());
        assertEquals(OmemoTrustLevel.AWAITING_APPROVAL, OmemoDeviceTrust.firstSight(key(1),
                List.of(new OmemoDeviceTrust(key(2), OmemoTrustLevel.VERIFIED))).level());
    }

    /** The attack: a server substitutes another identity key under a known device id. */
    @Test
    void aSubstitutedKeyUnderAKnownDeviceIdIsRefusedBothWays() throws Exception {
        Optional<OmemoDeviceTrust> pinned = Optional.of(new OmemoDeviceTrust(key(1), OmemoTrustLevel.BLIND));
        assertTrue(OmemoDeviceTrust.allows(pinned, key(1), true));
        assertFalse(OmemoDeviceTrust.allows(pinned, key(2), true));
        assertFalse(OmemoDeviceTrust.allows(pinned, key(2), false));
        assertTrue(OmemoDeviceTrust.allows(Optional.empty(), key(2), true), "first sight");
    }

    @Test
    void levelsDecideTheDirections() throws Exception {
        Optional<OmemoDeviceTrust> waiting = Optional.of(new OmemoDeviceTrust(key(1), OmemoTrustLevel.AWAITING_APPROVAL));
        assertFalse(OmemoDeviceTrust.allows(waiting, key(1), true), "nothing is sent to a device awaiting approval");
        assertTrue(OmemoDeviceTrust.allows(waiting, key(1), false), "what it sends is shown, with its level");
        Optional<OmemoDeviceTrust> distrusted = Optional.of(new OmemoDeviceTrust(key(1), OmemoTrustLevel.DISTRUSTED));
        assertFalse(OmemoDeviceTrust.allows(distrusted, key(1), true));
        assertFalse(OmemoDeviceTrust.allows(distrusted, key(1), false));
    }

    @Test
    void sottoWinsOmemoOnlyWithoutSottoAndNeverSilentlyAfterSotto() {
        assertEquals(Choice.SOTTO, OmemoNegotiation.choose(false, 1, 2));
        assertEquals(Choice.SOTTO, OmemoNegotiation.choose(true, 1, 0));
        assertEquals(Choice.OMEMO, OmemoNegotiation.choose(false, 0, 1));
        assertEquals(Choice.NONE, OmemoNegotiation.choose(false, 0, 0));
        // Stickiness: the Sotto devices vanished (stripped by a relay, or unpublished): no move to OMEMO.
        assertEquals(Choice.REFUSED_DOWNGRADE, OmemoNegotiation.choose(true, 0, 1));
        assertEquals(Choice.SOTTO, OmemoNegotiation.choose(true, 0, 0));
    }
}
