package im.sotto.protocol.offline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.wire.ByteWriter;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PreKeyBundleTest {
    private final SecureRandom random = new SecureRandom();
    private final OfflineParty.MovableClock clock = new OfflineParty.MovableClock();
    private final OfflineParty bob = new OfflineParty(random, clock);

    @Test
    void roundTripsAndVerifiesForTheOwnerOnly() throws Exception {
        byte[] encoded = bob.vault.bundle().encode();
        PreKeyBundle parsed = PreKeyBundle.parse(encoded);
        assertArrayEquals(encoded, parsed.encode());
        assertEquals(100, parsed.oneTimePreKeys().size());
        parsed.verify(bob.account.publicKey());
        OfflineParty other = new OfflineParty(random, clock);
        assertEquals(BundleException.Kind.BAD_SIGNATURE,
                assertThrows(BundleException.class, () -> parsed.verify(other.account.publicKey())).kind());
    }

    @Test
    void carriesNoIdentityKey() throws Exception {
        byte[] encoded = bob.vault.bundle().encode();
        assertFalse(contains(encoded, bob.account.publicKey().bytes()));
        assertFalse(contains(encoded, bob.device.deviceKey().publicKey()));
        assertFalse(contains(encoded, bob.device.certificate().encoded()));
    }

    @Test
    void everyTruncationIsMalformed() {
        byte[] encoded = bob.vault.bundle().encode();
        for (int len = 0; len < encoded.length; len += 7) {
            byte[] cut = Arrays.copyOf(encoded, len);
            BundleException.Kind kind = assertThrows(BundleException.class, () -> PreKeyBundle.parse(cut)).kind();
            assertTrue(kind == BundleException.Kind.MALFORMED || kind == BundleException.Kind.NO_COMMON_SUITE
                    || kind == BundleException.Kind.UNSUPPORTED_VERSION, kind + " at " + len);
        }
        byte[] longer = Arrays.copyOf(encoded, encoded.length + 1);
        assertEquals(BundleException.Kind.MALFORMED,
                assertThrows(BundleException.class, () -> PreKeyBundle.parse(longer)).kind());
    }

    @Test
    void duplicateOrDecreasingPrekeyIdsAreRefused() {
        byte[] bundle = header().u16(2).u32(5).bytes(new byte[32]).u32(5).bytes(new byte[32]).toByteArray();
        assertEquals(BundleException.Kind.DUPLICATE_PREKEY_ID,
                assertThrows(BundleException.class, () -> PreKeyBundle.parse(bundle)).kind());
    }

    @Test
    void oversizedBundlesAreRefusedBeforeParsing() {
        assertEquals(BundleException.Kind.OVERSIZED, assertThrows(BundleException.class,
                () -> PreKeyBundle.parse(new byte[PreKeyBundle.MAX_ENCODED_LENGTH + 1])).kind());
        byte[] tooMany = header().u16(PreKeyPolicy.MAX_ONE_TIME_IN_BUNDLE + 1).toByteArray();
        assertEquals(BundleException.Kind.OVERSIZED,
                assertThrows(BundleException.class, () -> PreKeyBundle.parse(tooMany)).kind());
    }

    @Test
    void unknownFormatIsUnsupportedVersion() {
        byte[] encoded = bob.vault.bundle().encode();
        encoded[0] = 3;
        assertEquals(BundleException.Kind.UNSUPPORTED_VERSION,
                assertThrows(BundleException.class, () -> PreKeyBundle.parse(encoded)).kind());
    }

    @Test
    void randomBytesNeverEscapeAsAnythingElse() {
        SecureRandom seeded = new im.sotto.protocol.testing.DeterministicRandom("bundle fuzz");
        Set<BundleException.Kind> kinds = EnumSet.noneOf(BundleException.Kind.class);
        for (int i = 0; i < 5000; i++) {
            byte[] junk = new byte[seeded.nextInt(300)];
            seeded.nextBytes(junk);
            if (junk.length > 0 && i % 2 == 0) {
                junk[0] = 1;
            }
            kinds.add(assertThrows(BundleException.class, () -> PreKeyBundle.parse(junk)).kind());
        }
        assertTrue(kinds.contains(BundleException.Kind.MALFORMED));
    }

    @Test
    void vaultRecordRoundTripsAndRejectsCorruption() throws Exception {
        byte[] record = bob.vault.toRecord();
        assertArrayEquals(record, PreKeyVault.fromRecord(record).toRecord());
        for (int len = 0; len < record.length; len += 97) {
            byte[] cut = Arrays.copyOf(record, len);
            assertThrows(PreKeyRecordException.class, () -> PreKeyVault.fromRecord(cut));
        }
        assertFalse(bob.vault.toString().contains("private"), "toString says keys are redacted, nothing more");
    }

    @Test
    void vaultRecordWithOneTimeIdsOutOfOrderOrNotYetIssuedIsCorrupt() throws Exception {
        byte[] record = bob.vault.toRecord();
        int entry = 4 + 32 + 32;
        int count = bob.vault.oneTimeCount();
        int first = record.length - 4 - count * entry; // the replay cache (empty here) is a u32 count at the end
        assertEquals(count, ((record[first - 2] & 0xff) << 8) | (record[first - 1] & 0xff), "found the section");

        byte[] swapped = record.clone();
        System.arraycopy(record, first, swapped, first + entry, 4);
        System.arraycopy(record, first + entry, swapped, first, 4);
        assertTrue(assertThrows(PreKeyRecordException.class, () -> PreKeyVault.fromRecord(swapped)).getMessage()
                .contains("out of order"));

        byte[] notIssued = record.clone();
        Arrays.fill(notIssued, first + (count - 1) * entry, first + (count - 1) * entry + 4, (byte) 0xff);
        assertTrue(assertThrows(PreKeyRecordException.class, () -> PreKeyVault.fromRecord(notIssued)).getMessage()
                .contains("not below the next id"));
    }

    private static ByteWriter header() {
        return new ByteWriter().u8(1).u8(1).u8(1).u32(1).bytes(new byte[32]).u8(0).bytes(new byte[64]);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
