package im.sotto.protocol.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import im.sotto.protocol.testing.DeterministicRandom;
import im.sotto.protocol.testing.FuzzCorpus;
import im.sotto.protocol.testing.TestDevices;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Fuzz test of the device-certificate parser (docs/reliability.md, "Fuzzing"): anything parses to a certificate
 * whose encoding is exactly the input, or throws {@link CertificateException}.
 */
class DeviceCertificateFuzzTest {
    @FuzzTest
    void parse(byte[] data) {
        DeviceCertificate certificate;
        try {
            certificate = DeviceCertificate.parse(data);
        } catch (CertificateException expected) {
            return;
        }
        assertArrayEquals(data, certificate.encoded());
        try {
            certificate.checkValidAt(TestDevices.CLOCK.instant());
        } catch (CertificateException expected) {
            // Outside its window: a typed outcome too.
        }
    }

    @Test
    void seedCorpusIsCurrent() {
        FuzzCorpus.assertCurrent("protocol", DeviceCertificateFuzzTest.class, seeds());
    }

    static Map<String, Map<String, byte[]>> seeds() {
        DeterministicRandom random = new DeterministicRandom("fuzz certificates");
        AccountIdentity account = AccountIdentity.generate(random);
        Map<String, byte[]> valid = new LinkedHashMap<>();
        valid.put("device", TestDevices.device(account, random).certificate().encoded());
        byte[] key = new byte[32];
        random.nextBytes(key);
        valid.put("wide", account.certify(0xffffffffL, key, Set.of(1, 2, 3), TestDevices.ALL_SUITES,
                TestDevices.CLOCK.instant(), TestDevices.CLOCK.instant().plus(Duration.ofDays(1))).encoded());
        valid.put("expired", account.certify(7, key, Set.of(1), Set.of(1), TestDevices.CLOCK.instant().minusSeconds(20),
                TestDevices.CLOCK.instant().minusSeconds(10)).encoded());
        return Map.of("parse", valid);
    }
}
