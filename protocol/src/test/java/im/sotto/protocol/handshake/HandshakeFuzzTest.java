package im.sotto.protocol.handshake;

import static im.sotto.protocol.testing.FuzzCorpus.body;
import static im.sotto.protocol.testing.FuzzCorpus.prefixed;
import static im.sotto.protocol.testing.FuzzCorpus.scenario;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.code_intelligence.jazzer.junit.FuzzTest;
import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.testing.DeterministicRandom;
import im.sotto.protocol.testing.FuzzCorpus;
import im.sotto.protocol.testing.TestDevices;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Fuzz tests of the online handshake's parsers (docs/reliability.md, "Fuzzing"): whatever arrives, a party either
 * answers or throws {@link HandshakeException}, and after throwing it is failed for good.
 *
 * <p>Every party is made afresh per input from fixed seeds, so each input is replayed exactly. The first input byte
 * picks the scenario (which configuration, which first message), the rest is the message.
 */
class HandshakeFuzzTest {
    static final DeviceIdentity ALICE = TestDevices.newDevice(new DeterministicRandom("fuzz alice"));
    static final DeviceIdentity BOB = TestDevices.newDevice(new DeterministicRandom("fuzz bob"));
    private static final byte[] PASSWORD = "amber lighthouse".getBytes(StandardCharsets.UTF_8);

    /**
     * The responder under test: 0 prefers XX, 1 prefers the responder-protecting mode, 2 wants a password, 3 has no
     * hybrid suite (so it counter-offers to a hybrid-only offer and then receives the retry).
     */
    private static final int RESPONDER_SCENARIOS = 4;
    /** The initiator under test: 0 plain start, 1 hybrid suite first, 2 known peer, 3 with a password. */
    private static final int INITIATOR_SCENARIOS = 4;

    static OnlineResponder responder(int scenario) {
        HandshakeConfig.Builder config = HandshakeConfig.builder(BOB);
        if (scenario == 1) {
            config.preferredResponderMode(HandshakeMode.RESPONDER_PROTECTED);
        } else if (scenario == 3) {
            config.suites(List.of(CipherSuite.X25519_AESGCM_SHA256, CipherSuite.X25519_CHACHAPOLY_SHA256));
        }
        OnlineResponder r = OnlineResponder.create(config.build(), new DeterministicRandom("fuzz responder " + scenario),
                TestDevices.CLOCK);
        return scenario == 2 ? r.usePassword(PASSWORD) : r;
    }

    /** A fresh initiator and its first message for one scenario. */
    static OnlineInitiator initiator(int scenario, byte[][] firstMessage) throws HandshakeException {
        OnlineInitiator i = OnlineInitiator.create(HandshakeConfig.builder(ALICE).build(),
                new DeterministicRandom("fuzz initiator " + scenario), TestDevices.CLOCK);
        if (scenario == 3) {
            i.usePassword(PASSWORD);
        }
        firstMessage[0] = switch (scenario) {
            case 1 -> i.start(Set.of(CipherSuite.X25519MLKEM768_AESGCM_SHA256));
            case 2 -> i.startKnownPeer(BOB.certificate());
            default -> i.start();
        };
        return i;
    }

    /** The initiator's first message for a responder scenario (the password responder gets a password initiator). */
    static byte[] firstMessageFor(int responderScenario) throws HandshakeException {
        byte[][] first = new byte[1][];
        initiator(responderScenario == 2 ? 3 : 0, first);
        return first[0];
    }

    /** A fresh responder receives anything as the first message. */
    @FuzzTest
    void responderFirstMessage(byte[] data) throws HandshakeException {
        OnlineResponder r = responder(scenario(data, RESPONDER_SCENARIOS));
        receiveOrFail(r::receive, body(data));
    }

    /** A responder that accepted a genuine first message receives anything as the initiator's last message. */
    @FuzzTest
    void responderFinish(byte[] data) throws HandshakeException {
        int scenario = scenario(data, RESPONDER_SCENARIOS);
        OnlineResponder r = responder(scenario);
        r.receive(firstMessageFor(scenario));
        receiveOrFail(r::receive, body(data));
    }

    /** An initiator that has started receives anything as the responder's answer. */
    @FuzzTest
    void initiatorResponse(byte[] data) throws HandshakeException {
        OnlineInitiator i = initiator(scenario(data, INITIATOR_SCENARIOS), new byte[1][]);
        receiveOrFail(i::receive, body(data));
    }

    /** The retained-secrets record the store keeps: parses, or {@link MalformedInputException}; canonical. */
    @FuzzTest
    void retainedSecretsRecord(byte[] data) {
        RetainedSecrets parsed;
        try {
            parsed = RetainedSecrets.fromRecord(data);
        } catch (MalformedInputException expected) {
            return;
        }
        byte[] current = parsed.toRecord();
        if (data[0] != 1) {
            assertArrayEquals(data, current, "a record that loads re-encodes to the same bytes");
        }
        try {
            assertArrayEquals(current, RetainedSecrets.fromRecord(current).toRecord(), "version 1 migrates stably");
        } catch (MalformedInputException e) {
            throw new AssertionError("a record written by the code does not load", e);
        }
    }

    /** The account certification extension value (protocol.md 4.13): parses, or a typed error; canonical. */
    @FuzzTest
    void attachedCertification(byte[] data) {
        AttachedCertification parsed;
        try {
            parsed = AttachedCertification.parse(data);
        } catch (MalformedInputException expected) {
            return;
        }
        assertArrayEquals(data, parsed.encode(), "a value that parses re-encodes to the same bytes");
    }

    private interface Receiver {
        HandshakeStep receive(byte[] message) throws HandshakeException;
    }

    /** Receives; on a typed failure, checks that the party now refuses everything. Anything else propagates. */
    private static void receiveOrFail(Receiver party, byte[] message) {
        try {
            party.receive(message);
        } catch (HandshakeException e) {
            HandshakeException again = assertThrows(HandshakeException.class, () -> party.receive(message));
            assertEquals(HandshakeException.Kind.UNEXPECTED_MESSAGE, again.kind(), "a failed handshake stays failed");
        }
    }

    /** The committed corpus still holds what the code produces (or, with the write property, is rewritten). */
    @Test
    void seedCorpusIsCurrent() throws HandshakeException {
        FuzzCorpus.assertCurrent("protocol", HandshakeFuzzTest.class, seeds());
    }

    /** Valid inputs per fuzz test method, from the real code. */
    static Map<String, Map<String, byte[]>> seeds() throws HandshakeException {
        Map<String, Map<String, byte[]>> seeds = new LinkedHashMap<>();
        Map<String, byte[]> first = new LinkedHashMap<>();
        Map<String, byte[]> finish = new LinkedHashMap<>();
        String[] responderNames = {"xx", "rp", "password", "classical"};
        for (int s = 0; s < RESPONDER_SCENARIOS; s++) {
            byte[][] m1 = new byte[1][];
            OnlineInitiator i = initiator(s == 2 ? 3 : 0, m1);
            first.put(responderNames[s], prefixed(s, m1[0]));
            OnlineResponder r = responder(s);
            byte[] m2 = r.receive(m1[0]).message().orElseThrow();
            byte[] m3 = i.receive(m2).message().orElseThrow();
            finish.put(responderNames[s], prefixed(s, m3));
        }
        byte[][] hybridOnly = new byte[1][];
        OnlineInitiator retrying = initiator(1, hybridOnly);
        byte[] counterOffer = responder(3).receive(hybridOnly[0]).message().orElseThrow();
        first.put("retry", prefixed(3, retrying.receive(counterOffer).message().orElseThrow()));
        byte[][] kp = new byte[1][];
        initiator(2, kp);
        first.put("known-peer", prefixed(0, kp[0]));
        byte[][] hybrid = new byte[1][];
        initiator(1, hybrid);
        first.put("hybrid", prefixed(0, hybrid[0]));
        seeds.put("responderFirstMessage", first);
        seeds.put("responderFinish", finish);

        Map<String, byte[]> response = new LinkedHashMap<>();
        String[] initiatorNames = {"xx", "hybrid", "known-peer", "password"};
        for (int s = 0; s < INITIATOR_SCENARIOS; s++) {
            byte[][] m1 = new byte[1][];
            initiator(s, m1);
            byte[] m2 = responder(s == 3 ? 2 : 0).receive(m1[0]).message().orElseThrow();
            response.put(initiatorNames[s], prefixed(s, m2));
        }
        byte[][] m1 = new byte[1][];
        initiator(0, m1);
        response.put("rp", prefixed(0, responder(1).receive(m1[0]).message().orElseThrow()));
        // A responder that shares no suite with a hybrid-only offer answers with its own offer.
        response.put("counter-offer", prefixed(1, counterOffer));
        seeds.put("initiatorResponse", response);
        // The fuzz targets rebuild their parties from the same seeds, so the valid inputs are accepted there too.
        for (byte[] seed : response.values()) {
            initiator(scenario(seed, INITIATOR_SCENARIOS), new byte[1][]).receive(body(seed));
        }
        for (byte[] seed : finish.values()) {
            int s = scenario(seed, RESPONDER_SCENARIOS);
            OnlineResponder r = responder(s);
            r.receive(firstMessageFor(s));
            if (!r.receive(body(seed)).isComplete() && s != 1) {
                throw new AssertionError("the responder did not complete on the genuine last message");
            }
        }

        Map<String, byte[]> retained = new LinkedHashMap<>();
        DeterministicRandom r = new DeterministicRandom("fuzz retained");
        // Version 1 (still read, never written) and version 2 records, the latter from the real update rule.
        retained.put("v1-one", new ByteWriter().u8(1).bytes(secret(r)).u8(0).toByteArray());
        retained.put("v1-two", new ByteWriter().u8(1).bytes(secret(r)).u8(1).bytes(secret(r)).toByteArray());
        RetainedSecrets one = RetainedSecrets.first(SecretBytes.copyOf(secret(r)), false);
        retained.put("v2-one", one.toRecord());
        retained.put("v2-three", one.next(SecretBytes.copyOf(secret(r)), true, Set.of(0), Optional.empty())
                .next(SecretBytes.copyOf(secret(r)), false, Set.of(), Optional.empty()).toRecord());
        seeds.put("retainedSecretsRecord", retained);
        Map<String, byte[]> certifications = new LinkedHashMap<>();
        certifications.put("x509", AttachedCertification.x509(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}).encode());
        certifications.put("openpgp", AttachedCertification.openPgp("Sotto v1 account binding".getBytes(
                java.nio.charset.StandardCharsets.US_ASCII), new byte[] {(byte) 0x88, 0x01}).encode());
        seeds.put("attachedCertification", certifications);
        return seeds;
    }

    private static byte[] secret(DeterministicRandom r) {
        byte[] b = new byte[RetainedSecrets.LENGTH];
        r.nextBytes(b);
        return b;
    }
}
