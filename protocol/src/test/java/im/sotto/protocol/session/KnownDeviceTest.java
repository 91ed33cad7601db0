package im.sotto.protocol.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Optional;

import im.sotto.protocol.handshake.HandshakeConfig;
import im.sotto.protocol.handshake.HandshakeResult;
import im.sotto.protocol.handshake.HandshakeStep;
import im.sotto.protocol.handshake.OnlineInitiator;
import im.sotto.protocol.handshake.OnlineResponder;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.testing.TestDevices;
import im.sotto.protocol.trust.BareJid;

import org.junit.jupiter.api.Test;

/**
 * Which of a peer's devices a known-peer (IK) handshake may be started with (moved from the binding's
 * OnlineHandshakes): the named device, or the only one known, from a session record or from the retained secrets
 * that outlive sessions; never a guess among several.
 */
class KnownDeviceTest {
    private static final BareJid BOB = BareJid.parse("bob@example.org");

    private final SecureRandom random = new SecureRandom();
    private final AccountIdentity bobsAccount = AccountIdentity.generate(random);
    private final DeviceIdentity alice = TestDevices.device(AccountIdentity.generate(random), random);
    private final DeviceIdentity laptop = TestDevices.device(bobsAccount, random);
    private final DeviceIdentity phone = TestDevices.device(bobsAccount, random);
    private final InMemoryAccountStore alicesStore = new InMemoryAccountStore();
    private final VerifiedCertificates verified = new VerifiedCertificates();

    private Optional<Long> knownId(Optional<Long> named) {
        return alicesStore.transact(stores -> RetainedSecretRecord.knownDevice(stores, BOB, named, verified))
                .map(certificate -> certificate.deviceId());
    }

    @Test
    void theOnlyDeviceOfASessionOrOfTheRetainedSecretsIsKnownSeveralAreNot() throws Exception {
        assertTrue(knownId(Optional.empty()).isEmpty(), "nothing known of bob");

        alicesStore.transact(stores -> {
            stores.sessions().store(new SessionAddress(BOB.toString(), laptop.deviceId()), SessionRecord.builder(
                    SessionOrigin.ONLINE_HANDSHAKE, new byte[] {1}).peerCertificate(laptop.certificate().encoded())
                    .build().encode());
            return null;
        });
        assertEquals(Optional.of(laptop.deviceId()), knownId(Optional.empty()), "the one session's device");

        HandshakeResult withPhone = xx(phone);
        alicesStore.transact(stores -> {
            RetainedSecretRecord.keep(stores, BOB, withPhone);
            return null;
        });
        assertTrue(knownId(Optional.empty()).isEmpty(), "two devices known: none is guessed");
        assertEquals(Optional.of(phone.deviceId()), knownId(Optional.of(phone.deviceId())),
                "named: from the retained secrets, which outlive the session");
        assertTrue(knownId(Optional.of(4711L)).isEmpty(), "a device never met");
    }

    /** Alice's result of an XX handshake with {@code responder}. */
    private HandshakeResult xx(DeviceIdentity responder) throws Exception {
        OnlineInitiator a = OnlineInitiator.create(HandshakeConfig.builder(alice).build(), random, TestDevices.CLOCK);
        OnlineResponder b = OnlineResponder.create(HandshakeConfig.builder(responder).build(), random,
                TestDevices.CLOCK);
        HandshakeStep two = b.receive(a.start());
        HandshakeStep three = a.receive(two.message().orElseThrow());
        b.receive(three.message().orElseThrow());
        return three.result().orElseThrow();
    }
}
