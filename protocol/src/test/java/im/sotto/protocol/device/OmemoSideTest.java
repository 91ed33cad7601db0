package im.sotto.protocol.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.OptionalLong;

import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.testing.DeterministicRandom;
import org.junit.jupiter.api.Test;

/** OMEMO side statements (docs/protocol.md 10.13): signed by the account key, parsed strictly. */
class OmemoSideTest {
    private final AccountIdentity bob = AccountIdentity.generate(new DeterministicRandom("bob"));
    private final AccountIdentity server = AccountIdentity.generate(new DeterministicRandom("server"));

    @Test
    void sidesRoundTripAndANewerStatementOfADeviceReplacesTheOlder() throws Exception {
        OmemoSides list = OmemoSides.empty().with(OmemoSide.sign(bob, 9, 100, 0))
                .with(OmemoSide.sign(bob, 3, 0, 300)).with(OmemoSide.sign(bob, 9, 101, 201));
        byte[] encoded = list.encode();
        assertEquals(2 + 2 * OmemoSide.LENGTH, encoded.length);
        List<OmemoSide> sides = OmemoSides.parse(encoded).verified(bob.publicKey());
        assertEquals(List.of(3L, 9L), sides.stream().map(OmemoSide::deviceId).toList());
        assertEquals(OptionalLong.empty(), sides.get(0).omemo03(), "0 is no side");
        assertEquals(OptionalLong.of(300), sides.get(0).omemo2());
        assertEquals(OptionalLong.of(101), sides.get(1).omemo03());
    }

    @Test
    void aStatementTheServerSignedOrEditedRefusesTheList() throws Exception {
        // The server claims bob's OMEMO-only phone (id 500) as a Sotto device's side, so that it stops getting copies.
        OmemoSides forged = OmemoSides.empty().with(OmemoSide.sign(bob, 3, 100, 0))
                .with(OmemoSide.sign(server, 7, 500, 0));
        DeviceStatementException e = assertThrows(DeviceStatementException.class,
                () -> OmemoSides.parse(forged.encode()).verified(bob.publicKey()));
        assertEquals(DeviceStatementException.Kind.BAD_SIGNATURE, e.kind());
        byte[] edited = OmemoSides.empty().with(OmemoSide.sign(bob, 3, 100, 0)).encode();
        edited[2 + 1 + 4 + 3] ^= 0x01;   // the OMEMO 0.3 id 100 -> 101
        assertEquals(DeviceStatementException.Kind.BAD_SIGNATURE, assertThrows(DeviceStatementException.class,
                () -> OmemoSides.parse(edited).verified(bob.publicKey())).kind());
    }

    @Test
    void malformedListsAreTypedErrors() {
        byte[] good = OmemoSides.empty().with(OmemoSide.sign(bob, 3, 100, 0)).with(OmemoSide.sign(bob, 4, 0, 0))
                .encode();
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        byte[] badFormat = good.clone();
        badFormat[0] = 2;
        byte[] badVersion = good.clone();
        badVersion[2] = 2;
        byte[] zeroDevice = good.clone();
        java.util.Arrays.fill(zeroDevice, 3, 7, (byte) 0);
        byte[] notIncreasing = good.clone();
        System.arraycopy(good, 2, notIncreasing, 2 + OmemoSide.LENGTH, OmemoSide.LENGTH);
        byte[] tooMany = {1, (byte) (OmemoSides.MAX_STATEMENTS + 1)};
        for (byte[] bad : List.of(truncated, trailing, zeroDevice, notIncreasing)) {
            assertEquals(DeviceStatementException.Kind.MALFORMED, assertThrows(DeviceStatementException.class,
                    () -> OmemoSides.parse(bad)).kind());
        }
        assertEquals(DeviceStatementException.Kind.UNSUPPORTED_VERSION, assertThrows(DeviceStatementException.class,
                () -> OmemoSides.parse(badFormat)).kind());
        assertEquals(DeviceStatementException.Kind.UNSUPPORTED_VERSION, assertThrows(DeviceStatementException.class,
                () -> OmemoSides.parse(badVersion)).kind());
        assertEquals(DeviceStatementException.Kind.TOO_MANY, assertThrows(DeviceStatementException.class,
                () -> OmemoSides.parse(tooMany)).kind());
    }
}
