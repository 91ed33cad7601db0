package im.sotto.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.testing.DeterministicRandom;
import im.sotto.protocol.testing.TestDevices;
import im.sotto.protocol.testing.VectorFile;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Known answers for handshakes with a contact password (CPace inside the handshake, docs/protocol.md 4.12) in
 * docs/vectors/password-v1.json: every mode, a classical and the hybrid suite. Regenerate with
 * {@code -Dsotto.regenerateVectors=true}.
 */
class PasswordVectorsTest {
    private static final String PASSWORD = "correct horse battery staple";
    private static final List<CipherSuite> ALL = List.of(CipherSuite.values());

    @Test
    void passwordHandshakesMatchTheKnownAnswers() throws Exception {
        ObjectNode root = VectorFile.json().createObjectNode();
        root.put("description", "Sotto v1 online handshakes with a contact password (CPace, X25519, SHA-512);"
                + " random streams are DeterministicRandom (docs/vectors/README.md), clock "
                + TestDevices.CLOCK.instant());
        ArrayNode list = root.putArray("vectors");
        for (HandshakeMode mode : HandshakeMode.values()) {
            for (CipherSuite suite : List.of(CipherSuite.X25519_AESGCM_SHA256,
                    CipherSuite.X25519MLKEM768_AESGCM_SHA256)) {
                list.add(vector(mode, suite));
            }
        }
        assertEquals(6, VectorFile.check("password-v1.json", root));
    }

    private static ObjectNode vector(HandshakeMode mode, CipherSuite suite) throws Exception {
        String name = "password " + mode + "/" + suite;
        DeterministicRandom aliceRandom = new DeterministicRandom("alice " + name);
        DeterministicRandom bobRandom = new DeterministicRandom("bob " + name);
        AccountIdentity aliceAccount = AccountIdentity.generate(aliceRandom);
        DeviceIdentity alice = TestDevices.device(aliceAccount, aliceRandom);
        AccountIdentity bobAccount = AccountIdentity.generate(bobRandom);
        DeviceIdentity bob = TestDevices.device(bobAccount, bobRandom);
        HandshakeMode bobMode = mode == HandshakeMode.KNOWN_PEER ? HandshakeMode.XX : mode;
        byte[] password = PASSWORD.getBytes(StandardCharsets.UTF_8);
        OnlineInitiator a = OnlineInitiator.create(HandshakeConfig.builder(alice).suites(List.of(suite)).build(),
                aliceRandom, TestDevices.CLOCK).usePassword(password);
        OnlineResponder b = OnlineResponder.create(HandshakeConfig.builder(bob).suites(ALL)
                .preferredResponderMode(bobMode).build(), bobRandom, TestDevices.CLOCK).usePassword(password);
        byte[] first = mode == HandshakeMode.KNOWN_PEER ? a.startKnownPeer(bob.certificate()) : a.start();
        Conversation c = Conversation.run(a, b, first, HandshakeVectorJson.INITIATOR_DATA,
                HandshakeVectorJson.RESPONDER_DATA, Conversation.Attacker.NONE);
        assertEquals(mode, c.initiatorResult.selection().mode());

        ObjectNode v = VectorFile.json().createObjectNode();
        v.put("name", name);
        v.put("alice_random_seed", "alice " + name);
        v.put("bob_random_seed", "bob " + name);
        v.put("password", PASSWORD);
        HandshakeVectorJson.identity(v, "alice", aliceAccount, alice);
        HandshakeVectorJson.identity(v, "bob", bobAccount, bob);
        HandshakeVectorJson.config(v, "alice", List.of(suite), EnumSet.allOf(HandshakeMode.class), HandshakeMode.XX);
        HandshakeVectorJson.config(v, "bob", ALL, EnumSet.allOf(HandshakeMode.class), bobMode);
        v.put("initiator_start", mode == HandshakeMode.KNOWN_PEER ? "known peer, pinned certificate bob_certificate"
                : "full");
        HandshakeVectorJson.outcome(v, c);
        return v;
    }
}
