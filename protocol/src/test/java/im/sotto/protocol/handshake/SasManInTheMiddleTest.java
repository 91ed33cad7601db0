package im.sotto.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.noise.HandshakeState;
import im.sotto.protocol.testing.DeterministicRandom;
import im.sotto.protocol.testing.TestDevices;
import im.sotto.protocol.wire.ByteWriter;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Mallory stole Alice's and Bob's long-term keys and sits between them, completing one handshake with each. Only
 * the SAS can expose her. She grinds everything she is free to choose in her response to Alice (ephemeral key and
 * nonce) to make the two SAS equal. The SAS is truncated to {@value #BITS} bits and she gets {@value #TRIES} tries
 * per attack: the same ratio as 65,536 tries against 16 bits, at a cost a unit test can pay.
 *
 * <p>Control: the same grinder given Alice's nonce (as if there were no commitment) wins about 63% of attacks.
 * Real: Alice's nonce is committed in message 1 and revealed only after Mallory's choice is fixed, so the grinder
 * wins at the rate of a blind guess, 2^-10 per attack. Seeds are fixed, so the outcome is reproducible.
 */
class SasManInTheMiddleTest {
    private static final int BITS = 10;
    private static final int TRIES = 1 << BITS;
    private static final int ATTACKS = 16;
    private static final Selection XX = new Selection(1, CipherSuite.X25519_AESGCM_SHA256, HandshakeMode.XX);

    private final DeterministicRandom random = new DeterministicRandom("sas-mitm");
    private final DeviceIdentity alice = TestDevices.newDevice(random);
    private final DeviceIdentity bob = TestDevices.newDevice(random);

    @Test
    void grindingWithoutTheCommittedNonceMatchesOnlyAtTheTruncatedRate() throws Exception {
        int wins = 0;
        for (int attack = 0; attack < ATTACKS; attack++) {
            long target = mallorysSessionWithBob();
            // Classical offer, so that Mallory's hand-built response can reuse the offer bytes as they are.
            OnlineInitiator realAlice = OnlineInitiator.create(HandshakeConfig.builder(alice)
                    .suites(java.util.List.of(XX.suite())).build(), random,
                    TestDevices.CLOCK);
            byte[] m1 = realAlice.start();
            byte[] guessedNonce = new byte[32];
            random.nextBytes(guessedNonce);
            Candidate chosen = grind(m1, guessedNonce, target);
            HandshakeStep aliceFinish = realAlice.receive(chosen.frame);
            byte[] revealed = chosen.readInitiatorNonce(aliceFinish.message().orElseThrow());
            ShortAuthenticationString actual = chosen.sas(revealed);
            assertEquals(aliceFinish.result().orElseThrow().sas().orElseThrow(), actual, "Mallory computes Alice's SAS");
            if (actual.leadingBits(BITS) == target) {
                wins++;
            }
        }
        System.out.printf("SAS MITM, commitment in place: %d of %d attacks matched (%d tries, %d bits)%n", wins,
                ATTACKS, TRIES, BITS);
        assertTrue(wins <= 1, "a committed nonce leaves Mallory a blind guess; she won " + wins);
    }

    @Test
    void controlTheSameGrinderWinsWhenItKnowsTheInitiatorNonce() throws Exception {
        int wins = 0;
        for (int attack = 0; attack < ATTACKS; attack++) {
            long target = mallorysSessionWithBob();
            ScriptedInitiator scriptedAlice = new ScriptedInitiator(alice, random);
            byte[] m1 = scriptedAlice.start();
            Candidate chosen = grind(m1, scriptedAlice.committedNonce(), target);
            byte[] finish = scriptedAlice.finish(chosen.frame, scriptedAlice.committedNonce());
            if (chosen.sas(chosen.readInitiatorNonce(finish)).leadingBits(BITS) == target) {
                wins++;
            }
        }
        System.out.printf("SAS MITM control, nonce known to the grinder: %d of %d attacks matched%n", wins, ATTACKS);
        assertTrue(wins >= 5, "the grinder should win about 63% of attacks when it knows the nonce; won " + wins);
    }

    /** Mallory, as Alice (stolen keys), completes an honest handshake with Bob; returns Bob's truncated SAS. */
    private long mallorysSessionWithBob() throws Exception {
        OnlineInitiator mallory = OnlineInitiator.create(HandshakeConfig.builder(alice).build(), random,
                TestDevices.CLOCK);
        OnlineResponder realBob = OnlineResponder.create(HandshakeConfig.builder(bob).build(), random,
                TestDevices.CLOCK);
        Conversation c = Conversation.run(mallory, realBob);
        return c.responderResult.sas().orElseThrow().leadingBits(BITS);
    }

    /** Tries {@value #TRIES} responses to Alice and keeps the first whose SAS, under the nonce given, hits target. */
    private Candidate grind(byte[] m1, byte[] assumedNonce, long target) throws Exception {
        Candidate last = null;
        for (int i = 0; i < TRIES; i++) {
            last = new Candidate(m1);
            if (last.sas(assumedNonce).leadingBits(BITS) == target) {
                return last;
            }
        }
        return last;
    }

    /** One response Mallory could send Alice, built by hand as Bob (whose keys she holds). */
    private final class Candidate {
        final HandshakeState noise;
        final byte[] frame;
        final byte[] transcript;
        final byte[] responderNonce = new byte[32];

        Candidate(byte[] m1) throws Exception {
            byte[] offer = Arrays.copyOfRange(m1, 2, 2 + Offer.LENGTH);
            byte[] negotiation = new ByteWriter().u8(Frame.Type.INIT.code).bytes(offer).toByteArray();
            noise = HandshakeParty.newState(XX, false, negotiation, bob.deviceKey(), X25519KeyPair.generate(random),
                    null);
            noise.readMessage(Arrays.copyOfRange(m1, 2 + Offer.LENGTH, m1.length));
            random.nextBytes(responderNonce);
            byte[] m2 = noise.writeMessage(new Payloads.Identified(bob.certificate().encoded(), responderNonce,
                    X25519KeyPair.generate(random).publicKey(), new byte[0], new byte[0]).encode());
            transcript = noise.handshakeHash();
            frame = Frame.start(Frame.Type.RESPONSE).bytes(XX.encoded()).bytes(m2).toByteArray();
        }

        ShortAuthenticationString sas(byte[] initiatorNonce) {
            return ShortAuthenticationString.derive(XX.suite().hash(), transcript, initiatorNonce, responderNonce);
        }

        byte[] readInitiatorNonce(byte[] finishFrame) throws Exception {
            Frame f = Frame.parse(finishFrame);
            return Payloads.Identified.decode(noise.readMessage(f.body.rest()), true, false, true).nonce;
        }
    }
}
