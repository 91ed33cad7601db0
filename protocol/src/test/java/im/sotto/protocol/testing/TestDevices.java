package im.sotto.protocol.testing;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceIdentity;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** Accounts and devices for tests, with a fixed clock. */
public final class TestDevices {
    public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);
    /** Every suite the handshake speaks: the hybrid one is left out until its handshake exists. */
    public static final Set<Integer> ALL_SUITES = Arrays.stream(CipherSuite.values()).filter(s -> !s.isHybrid())
            .map(CipherSuite::wireId).collect(Collectors.toSet());

    private TestDevices() {}

    public static DeviceIdentity device(AccountIdentity account, SecureRandom random) {
        return DeviceIdentity.create(account, Set.of(1), ALL_SUITES, random, CLOCK);
    }

    public static DeviceIdentity newDevice(SecureRandom random) {
        return device(AccountIdentity.generate(random), random);
    }
}
