package im.sotto.protocol.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Set;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.CertificateException;
import im.sotto.protocol.identity.DeviceIdentity;

import org.junit.jupiter.api.Test;

class VerifiedCertificatesTest {
    private final SecureRandom random = new SecureRandom();
    private final byte[] genuine = newCertificate();

    /** A new account's new device certificate, encoded (as an account's first device makes it). */
    private byte[] newCertificate() {
        return DeviceIdentity.create(AccountIdentity.generate(random), Set.of(1),
                Set.of(CipherSuite.X25519_AESGCM_SHA256.wireId()), random, Clock.systemUTC()).certificate().encoded();
    }

    @Test
    void equalBytesGiveTheCertificateCheckedOnce() throws Exception {
        VerifiedCertificates certificates = new VerifiedCertificates();
        assertSame(certificates.parse(genuine), certificates.parse(genuine.clone()));
        assertEquals(1, certificates.size());
    }

    @Test
    void alteredBytesAreCheckedAgainAndFailEveryTime() throws Exception {
        VerifiedCertificates certificates = new VerifiedCertificates();
        certificates.parse(genuine);
        byte[] altered = genuine.clone();
        altered[altered.length - 1] ^= 1;
        assertThrows(CertificateException.class, () -> certificates.parse(altered));
        assertThrows(CertificateException.class, () -> certificates.parse(altered));
        assertEquals(1, certificates.size(), "a failing certificate is never cached");
    }

    @Test
    void theCacheIsBounded() throws Exception {
        VerifiedCertificates certificates = new VerifiedCertificates();
        for (int i = 0; i < VerifiedCertificates.CAPACITY + 10; i++) {
            certificates.parse(newCertificate());
        }
        assertEquals(VerifiedCertificates.CAPACITY, certificates.size());
    }
}
