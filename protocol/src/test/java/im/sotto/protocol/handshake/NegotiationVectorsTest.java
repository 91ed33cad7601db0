package im.sotto.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.testing.DeterministicRandom;
import im.sotto.protocol.testing.TestDevices;
import im.sotto.protocol.testing.VectorFile;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Known answers for negotiations that need a counter-offer (docs/protocol.md 4.2, 4.3, 4.6) in
 * docs/vectors/negotiation-v1.json: COUNTER_OFFER and RETRY_INIT with all three offers in the prologue, and the
 * known-peer fallback to a full handshake. Regenerate with {@code -Dsotto.regenerateVectors=true}.
 */
class NegotiationVectorsTest {
    private static final List<CipherSuite> CLASSICAL = List.of(CipherSuite.X25519_AESGCM_SHA256,
            CipherSuite.X25519_CHACHAPOLY_SHA256);
    private static final List<CipherSuite> HYBRID_FIRST = List.of(CipherSuite.X25519MLKEM768_AESGCM_SHA256,
            CipherSuite.X25519_AESGCM_SHA256, CipherSuite.X25519_CHACHAPOLY_SHA256);

    @Test
    void negotiationsMatchTheKnownAnswers() throws Exception {
        ObjectNode root = VectorFile.json().createObjectNode();
        root.put("description", "Sotto v1 handshakes that go through a counter-offer; random streams are"
                + " DeterministicRandom (docs/vectors/README.md), clock " + TestDevices.CLOCK.instant());
        ArrayNode list = root.putArray("vectors");
        list.add(retry("hybrid offered alone, classical responder", HYBRID_FIRST, Set.of(), CLASSICAL,
                HandshakeMode.XX));
        list.add(retry("ChaCha20 offered first, AES-GCM-only responder", CLASSICAL,
                Set.of(CipherSuite.X25519_CHACHAPOLY_SHA256), List.of(CipherSuite.X25519_AESGCM_SHA256),
                HandshakeMode.RESPONDER_PROTECTED));
        list.add(knownPeerFallback());
        assertEquals(3, VectorFile.check("negotiation-v1.json", root));
    }

    /** The initiator offers {@code firstSuites} (or its default first offer when empty); the responder shares none. */
    private static ObjectNode retry(String name, List<CipherSuite> aliceSuites, Set<CipherSuite> firstSuites,
            List<CipherSuite> bobSuites, HandshakeMode bobMode) throws Exception {
        DeterministicRandom aliceRandom = new DeterministicRandom("alice " + name);
        DeterministicRandom bobRandom = new DeterministicRandom("bob " + name);
        AccountIdentity aliceAccount = AccountIdentity.generate(aliceRandom);
        DeviceIdentity alice = TestDevices.device(aliceAccount, aliceRandom);
        AccountIdentity bobAccount = AccountIdentity.generate(bobRandom);
        DeviceIdentity bob = TestDevices.device(bobAccount, bobRandom);
        OnlineInitiator a = OnlineInitiator.create(HandshakeConfig.builder(alice).suites(aliceSuites).build(),
                aliceRandom, TestDevices.CLOCK);
        OnlineResponder b = OnlineResponder.create(HandshakeConfig.builder(bob).suites(bobSuites)
                .preferredResponderMode(bobMode).build(), bobRandom, TestDevices.CLOCK);
        byte[] first = firstSuites.isEmpty() ? a.start() : a.start(firstSuites);
        Conversation c = Conversation.run(a, b, first, HandshakeVectorJson.INITIATOR_DATA,
                HandshakeVectorJson.RESPONDER_DATA, Conversation.Attacker.NONE);
        assertEquals(0x14, c.wire.get(1)[1], name + ": the responder counter-offers");
        assertEquals(0x15, c.wire.get(2)[1], name + ": the initiator retries");

        ObjectNode v = header(name);
        HandshakeVectorJson.identity(v, "alice", aliceAccount, alice);
        HandshakeVectorJson.identity(v, "bob", bobAccount, bob);
        HandshakeVectorJson.config(v, "alice", aliceSuites, EnumSet.allOf(HandshakeMode.class), HandshakeMode.XX);
        ArrayNode offered = v.putArray("alice_first_offer_suites");
        (firstSuites.isEmpty() ? InitiatorOffers.firstSuites(aliceSuites) : EnumSet.copyOf(firstSuites))
                .forEach(s -> offered.add(s.name()));
        HandshakeVectorJson.config(v, "bob", bobSuites, EnumSet.allOf(HandshakeMode.class), bobMode);
        v.put("initiator_start", "full");
        HandshakeVectorJson.outcome(v, c);
        return v;
    }

    /** IK to a device key the responder no longer holds (a reinstall): counter-offer, then a full handshake. */
    private static ObjectNode knownPeerFallback() throws Exception {
        String name = "known peer reinstalled";
        DeterministicRandom aliceRandom = new DeterministicRandom("alice " + name);
        DeterministicRandom bobRandom = new DeterministicRandom("bob " + name);
        AccountIdentity aliceAccount = AccountIdentity.generate(aliceRandom);
        DeviceIdentity alice = TestDevices.device(aliceAccount, aliceRandom);
        AccountIdentity bobAccount = AccountIdentity.generate(bobRandom);
        DeviceCertificate pinned = TestDevices.device(bobAccount, bobRandom).certificate();
        DeviceIdentity bob = TestDevices.device(bobAccount, bobRandom);
        OnlineInitiator a = OnlineInitiator.create(HandshakeConfig.builder(alice).build(), aliceRandom,
                TestDevices.CLOCK);
        OnlineResponder b = OnlineResponder.create(HandshakeConfig.builder(bob).build(), bobRandom, TestDevices.CLOCK);
        Conversation c = Conversation.run(a, b, a.startKnownPeer(pinned), HandshakeVectorJson.INITIATOR_DATA,
                HandshakeVectorJson.RESPONDER_DATA, Conversation.Attacker.NONE);
        assertEquals(0x16, c.wire.get(0)[1], "known-peer message 1");
        assertEquals(0x14, c.wire.get(1)[1], "the responder cannot open it and counter-offers");
        assertEquals(0x15, c.wire.get(2)[1], "the initiator retries with a full offer");

        ObjectNode v = header(name);
        HandshakeVectorJson.identity(v, "alice", aliceAccount, alice);
        v.put("bob_account_seed", im.sotto.protocol.testing.Vectors.hex(bobAccount.seed().reveal()));
        v.put("bob_pinned_certificate", im.sotto.protocol.testing.Vectors.hex(pinned.encoded()));
        v.put("bob_device_private", im.sotto.protocol.testing.Vectors.hex(bob.deviceKey().privateKey().reveal()));
        v.put("bob_certificate", im.sotto.protocol.testing.Vectors.hex(bob.certificate().encoded()));
        List<CipherSuite> defaults = HandshakeConfig.builder(alice).build().suitesByPreference();
        HandshakeVectorJson.config(v, "alice", defaults, EnumSet.allOf(HandshakeMode.class), HandshakeMode.XX);
        HandshakeVectorJson.config(v, "bob", defaults, EnumSet.allOf(HandshakeMode.class), HandshakeMode.XX);
        v.put("initiator_start", "known peer, pinned certificate bob_pinned_certificate");
        HandshakeVectorJson.outcome(v, c);
        return v;
    }

    private static ObjectNode header(String name) {
        ObjectNode v = VectorFile.json().createObjectNode();
        v.put("name", name);
        v.put("alice_random_seed", "alice " + name);
        v.put("bob_random_seed", "bob " + name);
        return v;
    }
}
