package im.sotto.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.testing.DeterministicRandom;
import im.sotto.protocol.testing.TestDevices;
import im.sotto.protocol.testing.VectorFile;
import im.sotto.protocol.testing.Vectors;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Known answers for handshakes between devices with history (retained secrets, docs/protocol.md 4.8 and 4.11) in
 * docs/vectors/continuity-v1.json: one sequence of handshakes between the same two devices, each party drawing from
 * one random stream throughout, with the retained-secret records each side holds before and keeps after every
 * handshake, so that real proofs, confirmations and the secret mixed into the known-peer seed are covered. Some
 * handshakes complete on one side only (the other does not store), as after a crash. Self-contained: regenerate with
 * {@code -Dsotto.regenerateVectors=true} after a change to the continuity rules.
 */
class ContinuityVectorsTest {
    private static final String SCENARIO = "continuity";
    private static final CipherSuite AES = CipherSuite.X25519_AESGCM_SHA256;

    /** One handshake of the sequence: who initiates, the mode, the suite, and which sides store the result. */
    private record Step(boolean aliceInitiates, HandshakeMode mode, CipherSuite suite, boolean aliceStores,
            boolean bobStores) {
    }

    private static final List<Step> STEPS = List.of(
            new Step(true, HandshakeMode.XX, AES, true, true), // first contact: nothing to prove
            new Step(true, HandshakeMode.KNOWN_PEER, AES, true, true), // proof, confirmation, secret mixed in
            new Step(true, HandshakeMode.KNOWN_PEER, AES, false, true), // the initiator did not store it (crash)
            new Step(true, HandshakeMode.KNOWN_PEER, AES, true, true), // matched through an older secret
            new Step(false, HandshakeMode.KNOWN_PEER, AES, true, true), // roles swapped: bob initiates
            new Step(true, HandshakeMode.XX, AES, true, true), // a full handshake between devices with history
            new Step(true, HandshakeMode.RESPONDER_PROTECTED, AES, true, true),
            new Step(true, HandshakeMode.KNOWN_PEER, CipherSuite.X25519MLKEM768_AESGCM_SHA256, true, true));

    @Test
    void handshakesWithHistoryMatchTheKnownAnswers() throws Exception {
        ObjectNode root = VectorFile.json().createObjectNode();
        root.put("description", "Sotto v1 online handshakes between two devices with retained secrets; one random"
                + " stream per party for the whole sequence (docs/vectors/README.md), clock "
                + TestDevices.CLOCK.instant() + "; records are RetainedSecrets records (docs/protocol.md 4.11)");
        ArrayNode list = root.putArray("vectors");
        list.add(scenario());
        assertEquals(1, VectorFile.check("continuity-v1.json", root));
        // Whatever the rules, the sequence must exercise a real match on both sides somewhere.
        boolean matched = false;
        for (JsonNode h : root.get("vectors").get(0).get("handshakes")) {
            matched |= h.get("initiator_continuity").asText().equals("CONFIRMED")
                    && h.get("responder_continuity").asText().equals("CONFIRMED");
        }
        assertTrue(matched, "no handshake of the sequence confirmed a retained secret on both sides");
    }

    private static ObjectNode scenario() throws Exception {
        DeterministicRandom aliceRandom = new DeterministicRandom("alice " + SCENARIO);
        DeterministicRandom bobRandom = new DeterministicRandom("bob " + SCENARIO);
        AccountIdentity aliceAccount = AccountIdentity.generate(aliceRandom);
        DeviceIdentity alice = TestDevices.device(aliceAccount, aliceRandom);
        AccountIdentity bobAccount = AccountIdentity.generate(bobRandom);
        DeviceIdentity bob = TestDevices.device(bobAccount, bobRandom);
        RetainedSecretMemory aliceMemory = new RetainedSecretMemory();
        RetainedSecretMemory bobMemory = new RetainedSecretMemory();

        ObjectNode v = VectorFile.json().createObjectNode();
        v.put("name", SCENARIO);
        v.put("alice_random_seed", "alice " + SCENARIO);
        v.put("bob_random_seed", "bob " + SCENARIO);
        HandshakeVectorJson.identity(v, "alice", aliceAccount, alice);
        HandshakeVectorJson.identity(v, "bob", bobAccount, bob);
        ArrayNode handshakes = v.putArray("handshakes");
        for (Step step : STEPS) {
            handshakes.add(handshake(step, alice, aliceMemory, aliceRandom, bob, bobMemory, bobRandom));
        }
        return v;
    }

    private static ObjectNode handshake(Step step, DeviceIdentity alice, RetainedSecretMemory aliceMemory,
            DeterministicRandom aliceRandom, DeviceIdentity bob, RetainedSecretMemory bobMemory,
            DeterministicRandom bobRandom) throws Exception {
        DeviceIdentity initiator = step.aliceInitiates() ? alice : bob;
        DeviceIdentity responder = step.aliceInitiates() ? bob : alice;
        RetainedSecretMemory initiatorMemory = step.aliceInitiates() ? aliceMemory : bobMemory;
        RetainedSecretMemory responderMemory = step.aliceInitiates() ? bobMemory : aliceMemory;
        HandshakeMode responderMode = step.mode() == HandshakeMode.KNOWN_PEER ? HandshakeMode.XX : step.mode();
        List<CipherSuite> all = List.of(CipherSuite.values());

        ObjectNode h = VectorFile.json().createObjectNode();
        h.put("initiator", step.aliceInitiates() ? "alice" : "bob");
        HandshakeVectorJson.config(h, "initiator", List.of(step.suite()), EnumSet.allOf(HandshakeMode.class),
                HandshakeMode.XX);
        HandshakeVectorJson.config(h, "responder", all, EnumSet.allOf(HandshakeMode.class), responderMode);
        h.put("initiator_start", step.mode() == HandshakeMode.KNOWN_PEER
                ? "known peer, pinned certificate: the responder's" : "full");
        h.put("initiator_retained_before", record(initiatorMemory, responder));
        h.put("responder_retained_before", record(responderMemory, initiator));

        OnlineInitiator i = OnlineInitiator.create(HandshakeConfig.builder(initiator).suites(List.of(step.suite()))
                .retainedSecrets(initiatorMemory).build(), step.aliceInitiates() ? aliceRandom : bobRandom,
                TestDevices.CLOCK);
        OnlineResponder r = OnlineResponder.create(HandshakeConfig.builder(responder).suites(all)
                .retainedSecrets(responderMemory).preferredResponderMode(responderMode).build(),
                step.aliceInitiates() ? bobRandom : aliceRandom, TestDevices.CLOCK);
        byte[] first = step.mode() == HandshakeMode.KNOWN_PEER ? i.startKnownPeer(responder.certificate()) : i.start();
        Conversation c = Conversation.run(i, r, first, HandshakeVectorJson.INITIATOR_DATA,
                HandshakeVectorJson.RESPONDER_DATA, Conversation.Attacker.NONE);
        assertEquals(step.mode(), c.initiatorResult.selection().mode());
        HandshakeVectorJson.outcome(h, c);
        h.put("initiator_continuity", c.initiatorResult.continuity().name());
        h.put("responder_continuity", c.responderResult.continuity().name());
        h.put("initiator_retained_after", Vectors.hex(c.initiatorResult.retainedSecretsToKeep().toRecord()));
        h.put("responder_retained_after", Vectors.hex(c.responderResult.retainedSecretsToKeep().toRecord()));
        boolean initiatorStores = step.aliceInitiates() ? step.aliceStores() : step.bobStores();
        boolean responderStores = step.aliceInitiates() ? step.bobStores() : step.aliceStores();
        h.put("initiator_stores", initiatorStores);
        h.put("responder_stores", responderStores);
        if (initiatorStores) {
            initiatorMemory.put(responder.certificate(), c.initiatorResult.retainedSecretsToKeep());
        }
        if (responderStores) {
            responderMemory.put(initiator.certificate(), c.responderResult.retainedSecretsToKeep());
        }
        return h;
    }

    /** The record a side holds for the peer device before a handshake, or "" when it holds none. */
    private static String record(RetainedSecretMemory memory, DeviceIdentity peer) {
        return memory.forDevice(peer.certificate()).map(rs -> Vectors.hex(rs.toRecord())).orElse("");
    }
}
