package im.sotto.protocol.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.testing.DeterministicRandom;
import im.sotto.protocol.testing.TestDevices;
import im.sotto.protocol.testing.Vectors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Known answers for offline first messages in docs/vectors/first-message-v1.json: per suite, with and without a
 * one-time prekey, the random seeds, the associated data, the one-time prekey chosen, the bundle, the first message,
 * the transcript hash and the recipient's first reply. These are the format-1 bundle and first reply, which this
 * version no longer writes but still reads (an older client's published bundle, its replies in offline storage): the
 * test regenerates them with {@link FormatOneWriter} and checks that the current reader accepts them. The current
 * formats are in first-message-v2.json ({@code FirstMessageV2VectorsTest}). Regenerate with
 * {@code -Dsotto.regenerateVectors=true} after an intended format change.
 */
class FirstMessageVectorsTest {
    private static final Path FILE = Vectors.docsDir().resolve("vectors/first-message-v1.json");
    private static final byte[] AD = "alice@example.org/phone -> bob@example.org".getBytes(StandardCharsets.UTF_8);

    @Test
    void firstMessagesMatchTheKnownAnswers() throws Exception {
        ObjectNode generated = generate();
        if (Boolean.getBoolean("sotto.regenerateVectors")) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(FILE.toFile(), generated);
        }
        assertTrue(Files.exists(FILE), "missing " + FILE);
        JsonNode stored = Vectors.readJson(FILE);
        assertEquals(6, stored.get("vectors").size());
        for (int i = 0; i < 6; i++) {
            assertEquals(stored.get("vectors").get(i), generated.get("vectors").get(i),
                    "vector " + stored.get("vectors").get(i).get("name"));
        }
        System.out.println("first-message known-answer vectors: " + stored.get("vectors").size() + " checked");
    }

    private static ObjectNode generate() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("description", "Sotto v1 offline first messages; random streams are DeterministicRandom, clock "
                + TestDevices.CLOCK.instant() + ", associated data " + new String(AD, StandardCharsets.UTF_8));
        ArrayNode list = root.putArray("vectors");
        for (CipherSuite suite : CipherSuite.values()) {
            for (boolean oneTime : List.of(true, false)) {
                list.add(vector(json, suite, oneTime));
            }
        }
        return root;
    }

    private static ObjectNode vector(ObjectMapper json, CipherSuite suite, boolean oneTime) throws Exception {
        String name = suite + (oneTime ? "/one-time prekey" : "/signed prekey only");
        DeterministicRandom ra = new DeterministicRandom("alice " + name);
        DeterministicRandom rb = new DeterministicRandom("bob " + name);
        AccountIdentity aliceAccount = AccountIdentity.generate(ra);
        DeviceIdentity alice = TestDevices.device(aliceAccount, ra);
        AccountIdentity bobAccount = AccountIdentity.generate(rb);
        DeviceIdentity bob = TestDevices.device(bobAccount, rb);
        PreKeyVault vault = PreKeyVault.create(bobAccount, Set.of(suite), PreKeyPolicy.defaults(), rb,
                TestDevices.CLOCK.instant());
        PreKeyBundle formatOne = FormatOneWriter.bundle(vault, bobAccount);
        PreKeyBundle bundle = oneTime ? formatOne : OfflineSessionTest.withoutOneTimeKeys(formatOne);
        PreKeyBundle.parse(bundle.encode()).verify(bobAccount.publicKey());
        OutgoingFirstMessage out = new FirstMessageSender(alice, List.of(suite), ra, TestDevices.CLOCK)
                .send(bundle, RecipientKnowledge.unknown(), "hello, offline bob".getBytes(StandardCharsets.UTF_8), AD);
        IncomingFirstMessage.Accepted in = assertInstanceOf(IncomingFirstMessage.Accepted.class,
                new FirstMessageReceiver(bob, rb, TestDevices.CLOCK).receive(vault, out.message(), AD));
        byte[] reply = FormatOneWriter.reply(in.session(), bob, in.sender(), in.transcriptHash(),
                "hello, alice".getBytes(StandardCharsets.UTF_8), AD);
        FirstReply.Opened opened = FirstReply.open(out.session(), alice, out.pendingConfirmation(), reply, AD, ra,
                TestDevices.CLOCK);
        assertTrue(opened.confirmed());

        ObjectNode v = json.createObjectNode();
        v.put("name", name);
        v.put("alice_random_seed", "alice " + name);
        v.put("bob_random_seed", "bob " + name);
        v.put("associated_data", Vectors.hex(AD));
        v.put("one_time_prekey_id", Math.toIntExact(usedOneTimePreKey(bundle, in.vault())));
        v.put("alice_account_seed", Vectors.hex(aliceAccount.seed().reveal()));
        v.put("alice_device_private", Vectors.hex(alice.deviceKey().privateKey().reveal()));
        v.put("alice_certificate", Vectors.hex(alice.certificate().encoded()));
        v.put("bob_account_seed", Vectors.hex(bobAccount.seed().reveal()));
        v.put("bob_device_private", Vectors.hex(bob.deviceKey().privateKey().reveal()));
        v.put("bob_certificate", Vectors.hex(bob.certificate().encoded()));
        v.put("bundle", Vectors.hex(bundle.encode()));
        v.put("first_message", Vectors.hex(out.message()));
        v.put("transcript_hash", Vectors.hex(in.transcriptHash()));
        v.put("plaintext", new String(in.plaintext(), StandardCharsets.UTF_8));
        v.put("first_reply", Vectors.hex(reply));
        v.put("reply_plaintext", new String(opened.plaintext(), StandardCharsets.UTF_8));
        return v;
    }

    /** The one-time prekey the sender chose (the receiver deleted it), or 0 when the bundle published none. */
    private static long usedOneTimePreKey(PreKeyBundle bundle, PreKeyVault after) {
        return bundle.oneTimePreKeys().keySet().stream().filter(id -> !after.oneTime.containsKey(id)).findFirst()
                .orElse(0L);
    }
}
