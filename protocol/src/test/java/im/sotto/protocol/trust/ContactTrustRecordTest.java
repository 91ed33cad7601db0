package im.sotto.protocol.trust;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.AccountPublicKey;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ContactTrustRecordTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00.750Z");
    private final SecureRandom random = new SecureRandom();
    private final AccountPublicKey key = AccountIdentity.generate(random).publicKey();
    private final AccountPublicKey other = AccountIdentity.generate(random).publicKey();

    private ContactTrust everyFieldSet() {
        return new ContactTrust(BareJid.parse("bob@example.org"), key, TrustSource.USER, T0, true, T0.plusSeconds(5),
                new Certification(TrustSource.OPENPGP, "xmpp:bob@example.org", "ab12", T0, T0.plusSeconds(900)),
                other, new TreeSet<>(List.of(1L, 7L, 4294967295L)), new TreeSet<>(List.of(3L)));
    }

    @Test
    void recordRoundTripsEveryFieldInWholeSeconds() throws Exception {
        ContactTrust t = everyFieldSet();
        ContactTrust back = ContactTrust.fromRecord(t.toRecord());
        assertEquals(t, back);
        assertEquals(Instant.parse("2026-03-01T12:00:00Z"), back.pinnedAt());
        assertArrayEquals(t.toRecord(), back.toRecord());
        ContactTrust minimal = new ContactTrust(BareJid.parse("a@b"), key, TrustSource.TOFU, T0, false, null, null,
                null, new TreeSet<>(), new TreeSet<>());
        assertEquals(minimal, ContactTrust.fromRecord(minimal.toRecord()));
    }

    @Test
    void minimalRecordLayoutIsAsDocumented() {
        ContactTrust minimal = new ContactTrust(BareJid.parse("a@b"), key, TrustSource.TOFU,
                Instant.ofEpochSecond(0x0102), false, null, null, null, new TreeSet<>(), new TreeSet<>());
        String hex = HexFormat.of().formatHex(minimal.toRecord());
        assertEquals("01" + "0003" + "614062" + HexFormat.of().formatHex(key.bytes()) + "01" + "0000000000000102"
                + "00" + "00" + "00" + "00" + "0000" + "0000", hex);
    }

    @Test
    void everyTruncationAndAnyTrailingByteIsATypedError() {
        byte[] good = everyFieldSet().toRecord();
        for (int len = 0; len < good.length; len++) {
            byte[] cut = Arrays.copyOf(good, len);
            assertThrows(TrustRecordException.class, () -> ContactTrust.fromRecord(cut), "length " + len);
        }
        assertThrows(TrustRecordException.class, () -> ContactTrust.fromRecord(Arrays.copyOf(good, good.length + 1)));
        assertThrows(TrustRecordException.class, () -> ContactTrust.fromRecord(null));
    }

    @Test
    void everySingleByteChangeIsRejectedOrDecodesToADifferentValidState() throws Exception {
        ContactTrust original = everyFieldSet();
        byte[] good = original.toRecord();
        int rejected = 0;
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= (byte) 0x81;
            try {
                ContactTrust decoded = ContactTrust.fromRecord(bad);
                assertArrayEquals(bad, decoded.toRecord(), "byte " + i + ": accepted only if canonical");
            } catch (TrustRecordException expected) {
                rejected++;
            }
        }
        assertTrue(rejected > good.length / 4, "structure bytes are checked: " + rejected);
    }

    @Test
    void inconsistentOrNonCanonicalRecordsAreRejected() {
        byte[] good = new ContactTrust(BareJid.parse("a@b"), key, TrustSource.TOFU, Instant.ofEpochSecond(9), false,
                null, null, null, new TreeSet<>(List.of(5L)), new TreeSet<>(List.of(6L))).toRecord();
        int idsAt = good.length - 12;
        byte[] version = good.clone();
        version[0] = 2;
        byte[] upperJid = good.clone();
        upperJid[3] = 'A';
        byte[] source = good.clone();
        source[38] = 3;
        byte[] flag = good.clone();
        flag[47] = 2;
        byte[] overlap = good.clone();
        overlap[good.length - 1] = 5;
        byte[] descending = withIds(good, idsAt);
        for (byte[] bad : List.of(version, upperJid, source, flag, overlap, descending)) {
            assertThrows(TrustRecordException.class, () -> ContactTrust.fromRecord(bad),
                    HexFormat.of().formatHex(bad));
        }
    }

    /** Replaces the approved list (one id at {@code idsAt}) by two ids in descending order. */
    private static byte[] withIds(byte[] good, int idsAt) {
        byte[] out = new byte[good.length + 4];
        System.arraycopy(good, 0, out, 0, idsAt);
        byte[] ids = HexFormat.of().parseHex("0002" + "00000009" + "00000008");
        System.arraycopy(ids, 0, out, idsAt, ids.length);
        System.arraycopy(good, idsAt + 6, out, idsAt + ids.length, good.length - idsAt - 6);
        return out;
    }
}
