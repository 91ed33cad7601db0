package im.sotto.protocol.identity;

import im.sotto.protocol.crypto.X25519KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/** One installation of an account: its X25519 device key and the certificate the account key signed for it. */
public final class DeviceIdentity {
    /** Device certificates are renewed well before this; a year bounds the harm of a lost, unrevoked device. */
    public static final Duration DEFAULT_CERTIFICATE_VALIDITY = Duration.ofDays(365);

    private final X25519KeyPair deviceKey;
    private final DeviceCertificate certificate;

    private DeviceIdentity(X25519KeyPair deviceKey, DeviceCertificate certificate) {
        this.deviceKey = deviceKey;
        this.certificate = certificate;
    }

    /** Creates a device with a random non-zero id and a fresh key, certified by {@code account}. */
    public static DeviceIdentity create(AccountIdentity account, Set<Integer> versions, Set<Integer> suiteIds,
            SecureRandom random, Clock clock) {
        X25519KeyPair key = X25519KeyPair.generate(random);
        long deviceId = 1 + (random.nextLong() & 0x7fffffffL);
        Instant now = clock.instant();
        DeviceCertificate cert = account.certify(deviceId, key.publicKey(), versions, suiteIds,
                now.minus(Duration.ofMinutes(5)), now.plus(DEFAULT_CERTIFICATE_VALIDITY));
        return new DeviceIdentity(key, cert);
    }

    /** Restores a device from its stored key and certificate, checking that they belong together. */
    public static DeviceIdentity restore(X25519KeyPair deviceKey, DeviceCertificate certificate) {
        if (!java.util.Arrays.equals(deviceKey.publicKey(), certificate.deviceKey())) {
            throw new IllegalArgumentException("certificate is for another device key");
        }
        return new DeviceIdentity(deviceKey, certificate);
    }

    public X25519KeyPair deviceKey() {
        return deviceKey;
    }

    public DeviceCertificate certificate() {
        return certificate;
    }

    public long deviceId() {
        return certificate.deviceId();
    }

    @Override
    public String toString() {
        return "DeviceIdentity[" + certificate + "]";
    }
}
