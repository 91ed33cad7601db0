package im.sotto.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.testing.TestDevices;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The online handshake under an active attacker: edited offers, forged counter-offers, replays, bit flips. */
class HandshakeAttackTest {
    private final SecureRandom random = new SecureRandom();
    private final DeviceIdentity alice = TestDevices.newDevice(random);
    private final DeviceIdentity bob = TestDevices.newDevice(random);

    private OnlineInitiator initiator(HandshakeConfig config) {
        return OnlineInitiator.create(config, random, TestDevices.CLOCK);
    }

    private OnlineResponder responder(HandshakeConfig config) {
        return OnlineResponder.create(config, random, TestDevices.CLOCK);
    }

    private HandshakeException.Kind failureUnder(OnlineInitiator a, OnlineResponder b, byte[] first,
            Conversation.Attacker attacker) {
        return assertThrows(HandshakeException.class,
                () -> Conversation.run(a, b, first, new byte[0], new byte[0], attacker)).kind();
    }

    @Test
    void offerEditedToDropTheBestSuiteFailsAsTampering() throws Exception {
        OnlineInitiator a = initiator(HandshakeConfig.builder(alice).build());
        OnlineResponder b = responder(HandshakeConfig.builder(bob).build());
        // Offer bytes sit at 2..4: versions, suites, modes. Suite id 1 (AES-GCM, everyone's first choice) is bit 0.
        Conversation.Attacker dropAesGcm = Conversation.Attacker.at(0, m -> {
            m[3] &= ~1;
            return m;
        });
        assertEquals(HandshakeException.Kind.TAMPERED, failureUnder(a, b, a.start(), dropAesGcm));
    }

    @Test
    void offerEditedToDropTheBestVersionFailsAsTampering() throws Exception {
        OnlineInitiator a = initiator(HandshakeConfig.builder(alice).versions(Set.of(1, 2)).build());
        OnlineResponder b = responder(HandshakeConfig.builder(bob).build());
        Conversation.Attacker dropV2 = Conversation.Attacker.at(0, m -> {
            m[2] &= ~2;
            return m;
        });
        assertEquals(HandshakeException.Kind.TAMPERED, failureUnder(a, b, a.start(), dropV2));
    }

    @Test
    void offerEditedToForceTheResponderProtectedModeFailsAsTampering() throws Exception {
        OnlineInitiator a = initiator(HandshakeConfig.builder(alice).build());
        OnlineResponder b = responder(HandshakeConfig.builder(bob).build());
        Conversation.Attacker dropXx = Conversation.Attacker.at(0, m -> {
            m[4] &= ~1;
            return m;
        });
        assertEquals(HandshakeException.Kind.TAMPERED, failureUnder(a, b, a.start(), dropXx));
    }

    @Test
    void selectionEditedToAnotherOfferedSuiteFailsAsTampering() throws Exception {
        OnlineInitiator a = initiator(HandshakeConfig.builder(alice).build());
        OnlineResponder b = responder(HandshakeConfig.builder(bob).build());
        Conversation.Attacker toChaCha = Conversation.Attacker.at(1, m -> {
            m[3] = (byte) CipherSuite.X25519_CHACHAPOLY_SHA256.wireId();
            return m;
        });
        assertEquals(HandshakeException.Kind.TAMPERED, failureUnder(a, b, a.start(), toChaCha));
    }

    @Test
    void selectionOfSomethingNeverOfferedIsADowngrade() throws Exception {
        OnlineInitiator a = initiator(HandshakeConfig.builder(alice)
                .suites(List.of(CipherSuite.X25519_AESGCM_SHA256)).build());
        OnlineResponder b = responder(HandshakeConfig.builder(bob).build());
        Conversation.Attacker toChaCha = Conversation.Attacker.at(1, m -> {
            m[3] = (byte) CipherSuite.X25519_CHACHAPOLY_SHA256.wireId();
            return m;
        });
        assertEquals(HandshakeException.Kind.DOWNGRADE, failureUnder(a, b, a.start(), toChaCha));
    }

    @Test
    void forgedCounterOfferIsDetectedByTheResponder() throws Exception {
        OnlineInitiator a = initiator(HandshakeConfig.builder(alice).build());
        OnlineResponder b = responder(HandshakeConfig.builder(bob).build());
        a.start();
        // The attacker swallows message 1 and answers in Bob's name that he only speaks ChaCha20-Poly1305.
        byte[] forged = Frame.start(Frame.Type.COUNTER_OFFER).bytes(Offer.of(Set.of(1),
                EnumSet.of(CipherSuite.X25519_CHACHAPOLY_SHA256), EnumSet.of(HandshakeMode.XX)).encoded())
                .toByteArray();
        byte[] retry = a.receive(forged).message().orElseThrow();
        assertEquals(HandshakeException.Kind.TAMPERED,
                assertThrows(HandshakeException.class, () -> b.receive(retry)).kind());
    }

    @Test
    void editedRetryOfferFailsAsTampering() throws Exception {
        OnlineInitiator a = initiator(HandshakeConfig.builder(alice).build());
        OnlineResponder narrowB = responder(HandshakeConfig.builder(bob)
                .suites(List.of(CipherSuite.X25519_AESGCM_SHA256)).build());
        byte[] counter = narrowB.receive(a.start(Set.of(CipherSuite.X25519_CHACHAPOLY_SHA256))).message()
                .orElseThrow();
        // Bob's real counter-offer lists AES-GCM; the attacker rewrites the first offer inside the retry.
        byte[] retry = a.receive(counter).message().orElseThrow();
        retry[2] ^= 0x02;
        OnlineResponder freshNarrowB = responder(HandshakeConfig.builder(bob)
                .suites(List.of(CipherSuite.X25519_AESGCM_SHA256)).build());
        byte[] response = freshNarrowB.receive(retry).message().orElseThrow();
        assertEquals(HandshakeException.Kind.TAMPERED,
                assertThrows(HandshakeException.class, () -> a.receive(response)).kind());
    }

    @Test
    void wrongCommitmentOpeningAborts() throws Exception {
        // A malicious initiator that tries to change its SAS nonce after seeing the responder's.
        ScriptedInitiator mallory = new ScriptedInitiator(TestDevices.newDevice(random), random);
        OnlineResponder b = responder(HandshakeConfig.builder(bob).build());
        byte[] response = b.receive(mallory.start()).message().orElseThrow();
        byte[] finish = mallory.finishWithAnotherNonce(response);
        assertEquals(HandshakeException.Kind.COMMITMENT_MISMATCH,
                assertThrows(HandshakeException.class, () -> b.receive(finish)).kind());
    }

    @Test
    void activeAttackerPosingAsResponderNeverLearnsTheInitiatorsIdentity() throws Exception {
        DeviceIdentity eve = TestDevices.newDevice(random);
        OnlineInitiator a = OnlineInitiator.create(HandshakeConfig.builder(alice).build(),
                cert -> cert.accountKey().equals(bob.certificate().accountKey()), random, TestDevices.CLOCK);
        OnlineResponder eveResponder = responder(HandshakeConfig.builder(eve).build());
        byte[] response = eveResponder.receive(a.start()).message().orElseThrow();
        HandshakeException e = assertThrows(HandshakeException.class, () -> a.receive(response));
        assertEquals(HandshakeException.Kind.UNEXPECTED_PEER, e.kind());
        // Alice sent nothing after message 1, so Eve holds no message that could carry Alice's certificate.
        assertEquals(HandshakeException.Kind.UNEXPECTED_MESSAGE,
                assertThrows(HandshakeException.class, () -> a.receive(response)).kind());
    }

    @Test
    void certificateForAnotherDeviceKeyIsAnIdentityMismatch() throws Exception {
        // Eve holds her own device key but presents Bob's (public) certificate.
        DeviceIdentity eveWithBobsCert = forgedDevice(TestDevices.newDevice(random), bob);
        OnlineInitiator a = initiator(HandshakeConfig.builder(alice).build());
        OnlineResponder eve = responder(HandshakeConfig.builder(eveWithBobsCert).build());
        byte[] response = eve.receive(a.start()).message().orElseThrow();
        assertEquals(HandshakeException.Kind.IDENTITY_MISMATCH,
                assertThrows(HandshakeException.class, () -> a.receive(response)).kind());
    }

    @Test
    void expiredCertificateIsRejected() throws Exception {
        AccountIdentity account = AccountIdentity.generate(random);
        DeviceIdentity stale = TestDevices.device(account, random);
        java.time.Clock later = java.time.Clock.offset(TestDevices.CLOCK, java.time.Duration.ofDays(400));
        OnlineInitiator a = OnlineInitiator.create(HandshakeConfig.builder(alice).build(), random, later);
        OnlineResponder b = OnlineResponder.create(HandshakeConfig.builder(stale).build(), random, later);
        byte[] response = b.receive(a.start()).message().orElseThrow();
        HandshakeException e = assertThrows(HandshakeException.class, () -> a.receive(response));
        assertEquals(HandshakeException.Kind.CERTIFICATE_INVALID, e.kind());
        assertTrue(e.getMessage().contains("EXPIRED"));
    }

    @Test
    void replayedHandshakeMessagesCannotCompleteASession() throws Exception {
        OnlineInitiator a = initiator(HandshakeConfig.builder(alice).build());
        OnlineResponder b = responder(HandshakeConfig.builder(bob).build());
        Conversation recorded = Conversation.run(a, b);
        // Replaying message 1 to a new responder yields a response, but the old message 3 does not finish it.
        OnlineResponder b2 = responder(HandshakeConfig.builder(bob).build());
        b2.receive(recorded.wire.get(0));
        assertEquals(HandshakeException.Kind.TAMPERED,
                assertThrows(HandshakeException.class, () -> b2.receive(recorded.wire.get(2))).kind());
        // And a completed responder refuses anything more.
        assertEquals(HandshakeException.Kind.UNEXPECTED_MESSAGE,
                assertThrows(HandshakeException.class, () -> b.receive(recorded.wire.get(2))).kind());
    }

    @Test
    void everySingleBitFlipIsDetected() throws Exception {
        for (HandshakeMode mode : List.of(HandshakeMode.XX, HandshakeMode.RESPONDER_PROTECTED)) {
            Conversation clean = Conversation.run(initiator(HandshakeConfig.builder(alice).build()),
                    responder(HandshakeConfig.builder(bob).preferredResponderMode(mode).build()));
            int flips = 0;
            for (int msg = 0; msg < clean.wire.size(); msg++) {
                for (int bit = 0; bit < clean.wire.get(msg).length * 8; bit += 3) {
                    final int target = msg;
                    final int position = bit;
                    OnlineInitiator a = initiator(HandshakeConfig.builder(alice).build());
                    OnlineResponder b = responder(HandshakeConfig.builder(bob).preferredResponderMode(mode).build());
                    Conversation.Attacker flip = Conversation.Attacker.at(target, m -> {
                        m[position / 8] ^= (byte) (1 << (position % 8));
                        return m;
                    });
                    Conversation[] out = new Conversation[1];
                    HandshakeException e = assertThrows(HandshakeException.class,
                            () -> out[0] = Conversation.run(a, b, a.start(), new byte[0], new byte[0], flip),
                            mode + " message " + msg + " bit " + bit);
                    assertNull(out[0]);
                    flips++;
                }
            }
            assertTrue(flips > 300, "flipped " + flips);
        }
    }

    @Test
    void garbageNeverEscapesAsAnythingButAHandshakeException() throws Exception {
        SecureRandom seeded = new im.sotto.protocol.testing.DeterministicRandom("garbage");
        Set<HandshakeException.Kind> kinds = new HashSet<>();
        for (int i = 0; i < 5000; i++) {
            byte[] junk = new byte[seeded.nextInt(160)];
            seeded.nextBytes(junk);
            if (junk.length > 1 && i % 2 == 0) {
                junk[0] = 1; // a valid wire version, so the type and body parsers are reached
                junk[1] = (byte) (1 + seeded.nextInt(7));
            }
            OnlineResponder b = responder(HandshakeConfig.builder(bob).build());
            OnlineInitiator a = initiator(HandshakeConfig.builder(alice).build());
            a.start();
            for (Runnable r : List.<Runnable>of(() -> kinds.add(expectFailure(() -> b.receive(junk))),
                    () -> kinds.add(expectFailure(() -> a.receive(junk))))) {
                r.run();
            }
        }
        assertTrue(kinds.contains(HandshakeException.Kind.MALFORMED));
        assertTrue(kinds.contains(HandshakeException.Kind.UNSUPPORTED_VERSION));
    }

    private interface Action {
        Object run() throws HandshakeException;
    }

    private static HandshakeException.Kind expectFailure(Action action) {
        try {
            Object step = action.run();
            // Random bytes may happen to be a well-formed INIT (any 32 bytes are an X25519 key): the responder
            // answering one is correct. Nothing else may succeed.
            assertTrue(step instanceof HandshakeStep && !((HandshakeStep) step).isComplete());
            return null;
        } catch (HandshakeException e) {
            return e.kind();
        }
    }

    private static DeviceIdentity forgedDevice(DeviceIdentity keyOwner, DeviceIdentity certOwner) throws Exception {
        java.lang.reflect.Constructor<DeviceIdentity> c = DeviceIdentity.class.getDeclaredConstructor(
                im.sotto.protocol.crypto.X25519KeyPair.class, im.sotto.protocol.identity.DeviceCertificate.class);
        c.setAccessible(true);
        return c.newInstance(keyOwner.deviceKey(), certOwner.certificate());
    }
}
