package im.sotto.xmpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.time.Clock;

import im.sotto.protocol.identity.CertificateException;
import im.sotto.protocol.store.InMemoryAccountStore;

import org.junit.jupiter.api.Test;

class VerifiedCertificatesTest {
    private final byte[] genuine = SottoAccount.open(new InMemoryAccountStore(), new SecureRandom(),
            Clock.systemUTC()).device().certificate().encoded();

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
            certificates.parse(SottoAccount.open(new InMemoryAccountStore(), new SecureRandom(), Clock.systemUTC())
                    .device().certificate().encoded());
        }
        assertEquals(VerifiedCertificates.CAPACITY, certificates.size());
    }
}
