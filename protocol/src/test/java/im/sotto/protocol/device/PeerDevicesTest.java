package im.sotto.protocol.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.testing.DeterministicRandom;
import im.sotto.protocol.wire.MalformedInputException;
import org.junit.jupiter.api.Test;

/** Staleness with an injected clock, revocation for good, and the stored record (docs/protocol.md 7.7, 11.6). */
class PeerDevicesTest {
    private static final Instant START = Instant.parse("2026-12-07T08:00:00Z");

    @Test
    void aDeviceNotHeardFromForTheConfiguredTimeIsStaleUntilItSendsAgain() {
        DeviceEligibility policy = new DeviceEligibility(Duration.ofDays(30));
        PeerDevices devices = PeerDevices.none().heard(7, START);
        assertEquals(DeviceEligibility.Verdict.ELIGIBLE, policy.of(devices, 7, Clock.fixed(START.plus(
                Duration.ofDays(30)), ZoneOffset.UTC).instant()));
        Instant later = START.plus(Duration.ofDays(30)).plusSeconds(1);
        assertEquals(DeviceEligibility.Verdict.STALE, policy.of(devices, 7, later));
        PeerDevices reported = devices.staleReported(7);
        assertTrue(reported.entry(7).orElseThrow().staleReported());
        assertEquals(reported, reported.staleReported(7), "reported once");

        PeerDevices back = reported.heard(7, later);
        assertEquals(DeviceEligibility.Verdict.ELIGIBLE, policy.of(back, 7, later));
        assertFalse(back.entry(7).orElseThrow().staleReported(), "reported again only after it went stale again");
        assertEquals(DeviceEligibility.Verdict.ELIGIBLE, policy.of(back, 8, later), "never heard from: not stale");
    }

    @Test
    void anOlderMessageArrivingLateDoesNotMoveLastHeardBack() {
        PeerDevices devices = PeerDevices.none().heard(7, START).heard(7, START.minusSeconds(3600));
        assertEquals(START, devices.entry(7).orElseThrow().lastHeard().orElseThrow());
    }

    @Test
    void aRevokedDeviceStaysRevokedWhenItSendsAgain() throws Exception {
        AccountIdentity alice = AccountIdentity.generate(new DeterministicRandom("alice"));
        PeerDevices revoked = PeerDevices.none().apply(RevocationList.empty().with(DeviceRevocation.sign(alice, 7,
                START)), alice.publicKey()).devices();
        PeerDevices afterSend = revoked.heard(7, START.plusSeconds(5));
        assertEquals(DeviceEligibility.Verdict.REVOKED, DeviceEligibility.defaults().of(afterSend, 7,
                START.plusSeconds(10)));
        assertEquals(afterSend, PeerDevices.decode(afterSend.encode()));
    }

    @Test
    void theRecordIsReadStrictly() {
        byte[] record = PeerDevices.none().heard(7, START).heard(9, START).encode();
        assertThrows(MalformedInputException.class, () -> PeerDevices.decode(java.util.Arrays.copyOf(record,
                record.length - 1)));
        byte[] format2 = record.clone();
        format2[0] = 2;
        assertThrows(MalformedInputException.class, () -> PeerDevices.decode(format2));
        byte[] unknownFlag = record.clone();
        unknownFlag[3 + 4] = 4;
        assertThrows(MalformedInputException.class, () -> PeerDevices.decode(unknownFlag));
        assertThrows(IllegalStateException.class, () -> PeerDevices.decodeStored(unknownFlag), "a damaged store");
        assertArrayEquals(record, PeerDevices.decodeStored(record).encode());
    }

    @Test
    void theStalenessPeriodMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new DeviceEligibility(Duration.ZERO));
    }
}
