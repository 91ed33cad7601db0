package im.sotto.protocol.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.testing.TestDevices;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeviceCertificateTest {
    private final SecureRandom random = new SecureRandom();
    private final AccountIdentity account = AccountIdentity.generate(random);
    private final DeviceIdentity device = TestDevices.device(account, random);

    @Test
    void roundTripsAndVerifies() throws Exception {
        DeviceCertificate parsed = DeviceCertificate.parse(device.certificate().encoded());
        assertEquals(device.certificate(), parsed);
        assertEquals(account.publicKey(), parsed.accountKey());
        assertArrayEquals(device.deviceKey().publicKey(), parsed.deviceKey());
        assertEquals(Set.of(1), parsed.versions());
        assertEquals(TestDevices.ALL_SUITES, parsed.suiteIds());
        parsed.checkValidAt(TestDevices.CLOCK.instant());
    }

    @Test
    void everyAlteredByteIsRejected() {
        byte[] good = device.certificate().encoded();
        Set<CertificateException.Kind> seen = EnumSet.noneOf(CertificateException.Kind.class);
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x40;
            seen.add(assertThrows(CertificateException.class, () -> DeviceCertificate.parse(bad), "byte " + i)
                    .kind());
        }
        assertTrue(seen.contains(CertificateException.Kind.BAD_SIGNATURE));
        assertTrue(seen.contains(CertificateException.Kind.UNSUPPORTED_FORMAT));
    }

    @Test
    void truncatedOrExtendedIsMalformed() {
        byte[] good = device.certificate().encoded();
        for (int len = 0; len < good.length; len++) {
            byte[] cut = Arrays.copyOf(good, len);
            CertificateException.Kind kind = assertThrows(CertificateException.class,
                    () -> DeviceCertificate.parse(cut)).kind();
            assertTrue(kind == CertificateException.Kind.MALFORMED || kind == CertificateException.Kind.UNSUPPORTED_FORMAT);
        }
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertEquals(CertificateException.Kind.MALFORMED,
                assertThrows(CertificateException.class, () -> DeviceCertificate.parse(longer)).kind());
    }

    @Test
    void anotherAccountCannotCertifyForThisOne() throws Exception {
        AccountIdentity mallory = AccountIdentity.generate(random);
        DeviceCertificate forged = mallory.certify(device.deviceId(), device.deviceKey().publicKey(), Set.of(1),
                Set.of(1), TestDevices.CLOCK.instant(), TestDevices.CLOCK.instant().plusSeconds(60));
        // Splice Mallory's signature onto a certificate naming the victim's account key.
        byte[] victim = device.certificate().encoded();
        byte[] spliced = victim.clone();
        System.arraycopy(forged.encoded(), forged.encoded().length - 64, spliced, spliced.length - 64, 64);
        assertEquals(CertificateException.Kind.BAD_SIGNATURE,
                assertThrows(CertificateException.class, () -> DeviceCertificate.parse(spliced)).kind());
    }

    @Test
    void validityWindowIsEnforced() throws Exception {
        DeviceCertificate cert = device.certificate();
        assertEquals(CertificateException.Kind.EXPIRED, assertThrows(CertificateException.class,
                () -> cert.checkValidAt(TestDevices.CLOCK.instant().plus(Duration.ofDays(366)))).kind());
        assertEquals(CertificateException.Kind.NOT_YET_VALID, assertThrows(CertificateException.class,
                () -> cert.checkValidAt(TestDevices.CLOCK.instant().minus(Duration.ofDays(1)))).kind());
    }

    @Test
    void fingerprintIsFullLengthAndRoundTripsThroughQr() {
        Fingerprint fp = account.publicKey().fingerprint();
        assertEquals(64 + 7, fp.displayForm().length());
        assertEquals(account.publicKey(), Fingerprint.parseQr(fp.qrPayload()));
        assertThrows(IllegalArgumentException.class, () -> Fingerprint.parseQr("sotto:fp:v1:00"));
        assertTrue(!account.toString().contains(fp.displayForm().replace(" ", "")));
    }

    @Test
    void secretsStayOutOfToString() {
        String seedHex = java.util.HexFormat.of().formatHex(account.seed().reveal());
        assertTrue(!account.toString().contains(seedHex));
        assertTrue(!device.deviceKey().toString().contains(
                java.util.HexFormat.of().formatHex(device.deviceKey().privateKey().reveal())));
    }
}
