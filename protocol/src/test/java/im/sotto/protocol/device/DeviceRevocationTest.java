package im.sotto.protocol.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Arrays;
import java.util.Set;

import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.testing.DeterministicRandom;
import org.junit.jupiter.api.Test;

/**
 * Revocation statements and lists (docs/protocol.md 7.7): each attack a server or another account could try is
 * refused with its kind and changes nothing a peer remembers.
 */
class DeviceRevocationTest {
    private static final Instant NOW = Instant.parse("2026-12-07T08:00:00Z");
    private final AccountIdentity alice = AccountIdentity.generate(new DeterministicRandom("alice"));
    private final AccountIdentity mallory = AccountIdentity.generate(new DeterministicRandom("mallory"));

    @Test
    void aStatementSignedByTheAccountKeyRevokesTheDeviceOnce() throws Exception {
        DeviceRevocation statement = DeviceRevocation.sign(alice, 1234, NOW);
        RevocationList list = RevocationList.parse(RevocationList.empty().with(statement).encode());
        PeerDevices.Applied applied = PeerDevices.none().heard(1234, NOW.minusSeconds(60)).apply(list,
                alice.publicKey());
        assertEquals(Set.of(1234L), applied.newlyRevoked());
        assertTrue(applied.devices().isRevoked(1234));
        assertEquals(NOW, applied.devices().entry(1234).orElseThrow().revokedAt().orElseThrow());

        // The same list again (a server replaying the old item, a second fetch): nothing new, nothing reported.
        PeerDevices.Applied again = applied.devices().apply(list, alice.publicKey());
        assertEquals(Set.of(), again.newlyRevoked());
        assertSame(applied.devices(), again.devices());
    }

    @Test
    void aStatementSignedByAnotherAccountKeyIsRefusedAndChangesNothing() throws Exception {
        // The server (or anyone) signs a revocation of alice's device with a key of its own.
        RevocationList forged = RevocationList.empty().with(DeviceRevocation.sign(mallory, 1234, NOW));
        PeerDevices before = PeerDevices.none().heard(1234, NOW);
        DeviceStatementException e = assertThrows(DeviceStatementException.class,
                () -> before.apply(RevocationList.parse(forged.encode()), alice.publicKey()));
        assertEquals(DeviceStatementException.Kind.BAD_SIGNATURE, e.kind());
        assertEquals(PeerDevices.none().heard(1234, NOW), before);
    }

    @Test
    void oneForgedStatementRefusesTheWholeList() throws Exception {
        RevocationList mixed = RevocationList.empty().with(DeviceRevocation.sign(alice, 10, NOW))
                .with(DeviceRevocation.sign(mallory, 20, NOW));
        DeviceStatementException e = assertThrows(DeviceStatementException.class,
                () -> PeerDevices.none().apply(RevocationList.parse(mixed.encode()), alice.publicKey()));
        assertEquals(DeviceStatementException.Kind.BAD_SIGNATURE, e.kind());
    }

    @Test
    void aChangedDeviceIdOrTimeBreaksTheSignature() throws Exception {
        byte[] statement = DeviceRevocation.sign(alice, 1234, NOW).encoded();
        for (int offset : new int[] {4, 12}) {   // the device id's last byte, the time's last byte
            byte[] edited = statement.clone();
            edited[offset] ^= 1;
            DeviceStatementException e = assertThrows(DeviceStatementException.class,
                    () -> DeviceRevocation.parse(edited).verify(alice.publicKey()));
            assertEquals(DeviceStatementException.Kind.BAD_SIGNATURE, e.kind(), "offset " + offset);
        }
        byte[] badSignature = statement.clone();
        badSignature[DeviceRevocation.LENGTH - 1] ^= 1;
        assertEquals(DeviceStatementException.Kind.BAD_SIGNATURE, assertThrows(DeviceStatementException.class,
                () -> DeviceRevocation.parse(badSignature).verify(alice.publicKey())).kind());
    }

    @Test
    void truncatedTrailingAndUnknownVersionsAreTypedErrors() {
        byte[] statement = DeviceRevocation.sign(alice, 1234, NOW).encoded();
        assertEquals(DeviceStatementException.Kind.MALFORMED, assertThrows(DeviceStatementException.class,
                () -> DeviceRevocation.parse(Arrays.copyOf(statement, statement.length - 1))).kind());
        assertEquals(DeviceStatementException.Kind.MALFORMED, assertThrows(DeviceStatementException.class,
                () -> DeviceRevocation.parse(Arrays.copyOf(statement, statement.length + 1))).kind());
        byte[] version2 = statement.clone();
        version2[0] = 2;
        assertEquals(DeviceStatementException.Kind.UNSUPPORTED_VERSION, assertThrows(DeviceStatementException.class,
                () -> DeviceRevocation.parse(version2)).kind());
        byte[] zeroId = statement.clone();
        Arrays.fill(zeroId, 1, 5, (byte) 0);
        assertEquals(DeviceStatementException.Kind.MALFORMED, assertThrows(DeviceStatementException.class,
                () -> DeviceRevocation.parse(zeroId)).kind());

        byte[] list = RevocationList.empty().with(DeviceRevocation.sign(alice, 1, NOW)).encode();
        assertEquals(DeviceStatementException.Kind.MALFORMED, assertThrows(DeviceStatementException.class,
                () -> RevocationList.parse(Arrays.copyOf(list, list.length - 1))).kind());
        assertEquals(DeviceStatementException.Kind.MALFORMED, assertThrows(DeviceStatementException.class,
                () -> RevocationList.parse(Arrays.copyOf(list, list.length + 1))).kind());
        byte[] format2 = list.clone();
        format2[0] = 2;
        assertEquals(DeviceStatementException.Kind.UNSUPPORTED_VERSION, assertThrows(DeviceStatementException.class,
                () -> RevocationList.parse(format2)).kind());
        byte[] tooMany = {1, (byte) (RevocationList.MAX_STATEMENTS + 1)};
        assertEquals(DeviceStatementException.Kind.TOO_MANY, assertThrows(DeviceStatementException.class,
                () -> RevocationList.parse(tooMany)).kind());
    }

    @Test
    void aRepeatedOrDecreasingDeviceIdInAListIsMalformed() {
        byte[] one = DeviceRevocation.sign(alice, 7, NOW).encoded();
        byte[] twice = new byte[2 + 2 * one.length];
        twice[0] = 1;
        twice[1] = 2;
        System.arraycopy(one, 0, twice, 2, one.length);
        System.arraycopy(one, 0, twice, 2 + one.length, one.length);
        assertEquals(DeviceStatementException.Kind.MALFORMED, assertThrows(DeviceStatementException.class,
                () -> RevocationList.parse(twice)).kind());
    }

    @Test
    void aFullListDropsItsOldestStatementAndKeepsTheFirstStatementOfADevice() throws Exception {
        RevocationList list = RevocationList.empty();
        for (int i = 1; i <= RevocationList.MAX_STATEMENTS; i++) {
            list = list.with(DeviceRevocation.sign(alice, 100 + i, NOW.plusSeconds(i)));
        }
        DeviceRevocation again = DeviceRevocation.sign(alice, 101, NOW.plusSeconds(1000));
        assertSame(list, list.with(again), "a device already revoked keeps its first statement");
        RevocationList full = list.with(DeviceRevocation.sign(alice, 5, NOW.plusSeconds(1000)));
        assertEquals(RevocationList.MAX_STATEMENTS, full.statements().size());
        assertTrue(full.statements().stream().noneMatch(s -> s.deviceId() == 101), "the oldest went");
        assertEquals(5, full.statements().get(0).deviceId());
        assertEquals(full.statements(), RevocationList.parse(full.encode()).statements());
    }
}
