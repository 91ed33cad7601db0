package im.sotto.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.testing.DeterministicRandom;
import im.sotto.protocol.testing.TestDevices;
import im.sotto.protocol.testing.VectorFile;
import im.sotto.protocol.testing.Vectors;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Known answers for the late confirmation (docs/protocol.md 4.11) in docs/vectors/late-confirmation-v1.json: a first XX
 * handshake gives both sides a retained secret, then a second one with that history in XX (four messages: the
 * responder's CONTINUITY_CONFIRM last) and in the responder-protected mode (five: the initiator's last). Regenerate
 * with {@code -Dsotto.regenerateVectors=true} after an intended format change (and say so in the commit).
 */
class LateConfirmationVectorsTest {
    private static final CipherSuite SUITE = CipherSuite.X25519_AESGCM_SHA256;

    @Test
    void lateConfirmationsMatchTheKnownAnswers() throws Exception {
        assertEquals(2, VectorFile.check("late-confirmation-v1.json", generate()));
    }

    private static ObjectNode generate() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("description", "Sotto v1 late continuity confirmation known answers; random streams as in"
                + " handshake-v1.json, clock " + TestDevices.CLOCK.instant());
        ArrayNode list = root.putArray("vectors");
        for (HandshakeMode mode : List.of(HandshakeMode.XX, HandshakeMode.RESPONDER_PROTECTED)) {
            list.add(vector(json, mode));
        }
        return root;
    }

    private static ObjectNode vector(ObjectMapper json, HandshakeMode mode) throws Exception {
        String name = "history/" + mode + "/" + SUITE;
        DeterministicRandom aliceRandom = new DeterministicRandom("alice " + name);
        DeterministicRandom bobRandom = new DeterministicRandom("bob " + name);
        AccountIdentity aliceAccount = AccountIdentity.generate(aliceRandom);
        AccountIdentity bobAccount = AccountIdentity.generate(bobRandom);
        DeviceIdentity alice = TestDevices.device(aliceAccount, aliceRandom);
        DeviceIdentity bob = TestDevices.device(bobAccount, bobRandom);
        RetainedSecretMemory aliceMemory = new RetainedSecretMemory();
        RetainedSecretMemory bobMemory = new RetainedSecretMemory();
        Conversation first = Conversation.run(initiator(alice, aliceMemory, aliceRandom),
                responder(bob, bobMemory, HandshakeMode.XX, bobRandom));
        aliceMemory.put(bob.certificate(), first.initiatorResult.retainedSecretsToKeep());
        bobMemory.put(alice.certificate(), first.responderResult.retainedSecretsToKeep());

        ObjectNode v = json.createObjectNode();
        v.put("name", name);
        v.put("alice_random_seed", "alice " + name);
        v.put("bob_random_seed", "bob " + name);
        v.put("alice_certificate", Vectors.hex(alice.certificate().encoded()));
        v.put("bob_certificate", Vectors.hex(bob.certificate().encoded()));
        v.put("alice_retained_record", Vectors.hex(aliceMemory.forDevice(bob.certificate()).orElseThrow().toRecord()));
        v.put("bob_retained_record", Vectors.hex(bobMemory.forDevice(alice.certificate()).orElseThrow().toRecord()));
        ArrayNode firstMessages = v.putArray("first_handshake_messages");
        first.wire.forEach(m -> firstMessages.add(Vectors.hex(m)));

        OnlineInitiator a = initiator(alice, aliceMemory, aliceRandom);
        Conversation second = Conversation.run(a, responder(bob, bobMemory, mode, bobRandom), a.start(),
                new byte[0], new byte[0], Conversation.Attacker.NONE);
        ArrayNode messages = v.putArray("messages");
        second.wire.forEach(m -> messages.add(Vectors.hex(m)));
        assertEquals(Frame.Type.CONTINUITY_CONFIRM.code, second.wire.get(second.wire.size() - 1)[1] & 0xff);
        v.put("channel_binding", Vectors.hex(second.initiatorResult.channelBinding()));
        v.put("root_key", Vectors.hex(second.initiatorResult.seed().rootKey().reveal()));
        v.put("initiator_continuity", second.initiatorResult.continuity().toString());
        v.put("responder_continuity", second.responderResult.continuity().toString());
        return v;
    }

    private static OnlineInitiator initiator(DeviceIdentity device, RetainedSecretLookup memory,
            DeterministicRandom random) {
        return OnlineInitiator.create(HandshakeConfig.builder(device).suites(List.of(SUITE)).retainedSecrets(memory)
                .build(), random, TestDevices.CLOCK);
    }

    private static OnlineResponder responder(DeviceIdentity device, RetainedSecretLookup memory, HandshakeMode mode,
            DeterministicRandom random) {
        return OnlineResponder.create(HandshakeConfig.builder(device).suites(List.of(SUITE)).retainedSecrets(memory)
                .preferredResponderMode(mode).build(), random, TestDevices.CLOCK);
    }
}
