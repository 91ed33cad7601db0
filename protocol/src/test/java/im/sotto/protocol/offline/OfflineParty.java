package im.sotto.protocol.offline;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.testing.TestDevices;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

/** A device with its account and prekey vault, on a clock the test moves. */
final class OfflineParty {
    static final List<CipherSuite> CLASSICAL = List.of(CipherSuite.X25519_AESGCM_SHA256,
            CipherSuite.X25519_CHACHAPOLY_SHA256);
    final AccountIdentity account;
    final DeviceIdentity device;
    final SecureRandom random;
    final MovableClock clock;
    PreKeyVault vault;

    OfflineParty(SecureRandom random, MovableClock clock) {
        this.random = random;
        this.clock = clock;
        this.account = AccountIdentity.generate(random);
        this.device = TestDevices.device(account, random);
        this.vault = PreKeyVault.create(account, Set.copyOf(CLASSICAL), PreKeyPolicy.defaults(), random,
                clock.instant());
    }

    FirstMessageSender sender() {
        return new FirstMessageSender(device, CLASSICAL, random, clock);
    }

    FirstMessageReceiver receiver() {
        return new FirstMessageReceiver(device, random, clock);
    }

    /** Receives and, when accepted, commits the new vault as the store would. */
    IncomingFirstMessage receive(byte[] message, byte[] ad) {
        IncomingFirstMessage r = receiver().receive(vault, message, ad);
        if (r instanceof IncomingFirstMessage.Accepted) {
            vault = ((IncomingFirstMessage.Accepted) r).vault();
        }
        return r;
    }

    PreKeyBundle publishedBundle() throws BundleException {
        return PreKeyBundle.parse(vault.bundle().encode());
    }

    /** A clock the test advances; the certificates are valid for a year from TestDevices.CLOCK. */
    static final class MovableClock extends Clock {
        private Instant now = TestDevices.CLOCK.instant();

        void advance(java.time.Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
