package im.sotto.protocol.offline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.Ed25519;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.testing.DeterministicRandom;
import im.sotto.protocol.testing.TestDevices;
import im.sotto.protocol.testing.VectorFile;
import im.sotto.protocol.testing.Vectors;
import im.sotto.protocol.wire.ByteWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Known answers for the current offline formats in docs/vectors/first-message-v2.json: the format-2 bundle (its
 * signature input given as bytes), the first message, and the format-2 first reply (its associated data given as
 * bytes), per suite, with and without a one-time prekey. Every value is regenerated from the named seeds and
 * compared; the signature input and the reply's associated data are also rebuilt from docs/protocol.md 6.1 and 6.4
 * independently of the code that writes them. Regenerate with {@code -Dsotto.regenerateVectors=true} after an
 * intended format change.
 */
class FirstMessageV2VectorsTest {
    private static final Path FILE = Vectors.docsDir().resolve("vectors/first-message-v2.json");
    private static final byte[] AD = "alice@example.org/phone -> bob@example.org".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BUNDLE_LABEL = "Sotto v1 signed prekey bundle".getBytes(StandardCharsets.US_ASCII);
    private static final int VECTORS = CipherSuite.values().length * 2;

    @Test
    void currentOfflineFormatsMatchTheKnownAnswers() throws Exception {
        assertEquals(VECTORS, VectorFile.check("first-message-v2.json", generate()));
        for (JsonNode vector : Vectors.readJson(FILE).get("vectors")) {
            checkAgainstTheSpec(vector);
        }
        System.out.println("first-message v2 known-answer vectors: " + VECTORS + " checked");
    }

    /** The layouts of 6.1 and 6.4, rebuilt from the stored bytes without the code that wrote them. */
    private static void checkAgainstTheSpec(JsonNode v) throws Exception {
        byte[] bundle = Vectors.hex(v.get("bundle"));
        assertEquals(PreKeyBundle.FORMAT, bundle[0]);
        int signatureAt = 1 + 1 + 1 + 4 + 32 + 1 + (bundle[1 + 1 + 1 + 4 + 32] == 1 ? PreKeyBundle.PQ_PREKEY_LENGTH : 0);
        byte[] input = new ByteWriter().bytes(BUNDLE_LABEL).bytes(Arrays.copyOfRange(bundle, 0, signatureAt))
                .toByteArray();
        assertArrayEquals(input, Vectors.hex(v.get("bundle_signature_input")));
        byte[] signature = Arrays.copyOfRange(bundle, signatureAt, signatureAt + Ed25519.SIGNATURE_LENGTH);
        AccountIdentity bob = AccountIdentity.fromSeed(
                im.sotto.protocol.crypto.SecretBytes.copyOf(Vectors.hex(v.get("bob_account_seed"))));
        assertTrue(bob.publicKey().verify(input, signature), "the account key signs exactly that input");

        byte[] reply = Vectors.hex(v.get("first_reply"));
        assertEquals(FirstReply.FORMAT, reply[0]);
        assertEquals(FirstMessageFormat.TYPE_FIRST_REPLY, reply[1]);
        byte[] replyAd = new ByteWriter().u8(reply[0]).u8(reply[1]).bytes(Vectors.hex(v.get("transcript_hash")))
                .bytes(Vectors.hex(v.get("associated_data"))).toByteArray();
        assertArrayEquals(replyAd, Vectors.hex(v.get("first_reply_associated_data")));
    }

    private static ObjectNode generate() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("description", "Sotto offline first messages with bundle format 2 and first reply format 2; "
                + "random streams DeterministicRandom(seed), clock " + TestDevices.CLOCK.instant()
                + "; layouts in docs/protocol.md 6.1, 6.3, 6.4 and docs/vectors/README.md");
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
        String aliceSeed = "alice v2 " + name;
        String bobSeed = "bob v2 " + name;
        DeterministicRandom ra = new DeterministicRandom(aliceSeed);
        DeterministicRandom rb = new DeterministicRandom(bobSeed);
        DeviceIdentity alice = TestDevices.device(AccountIdentity.generate(ra), ra);
        AccountIdentity bobAccount = AccountIdentity.generate(rb);
        DeviceIdentity bob = TestDevices.device(bobAccount, rb);
        PreKeyVault vault = PreKeyVault.create(bobAccount, Set.of(suite), PreKeyPolicy.defaults(), rb,
                TestDevices.CLOCK.instant());
        PreKeyBundle bundle = oneTime ? vault.bundle() : OfflineSessionTest.withoutOneTimeKeys(vault.bundle());
        PreKeyBundle.parse(bundle.encode()).verify(bobAccount.publicKey());
        OutgoingFirstMessage out = new FirstMessageSender(alice, List.of(suite), ra, TestDevices.CLOCK)
                .send(bundle, RecipientKnowledge.unknown(), "hello, offline bob".getBytes(StandardCharsets.UTF_8), AD);
        IncomingFirstMessage.Accepted in = assertInstanceOf(IncomingFirstMessage.Accepted.class,
                new FirstMessageReceiver(bob, rb, TestDevices.CLOCK).receive(vault, out.message(), AD));
        byte[] reply = FirstReply.seal(in.session(), bob, in.sender(), in.transcriptHash(),
                "hello, alice".getBytes(StandardCharsets.UTF_8), AD);
        FirstReply.Opened opened = FirstReply.open(out.session(), alice, out.pendingConfirmation(), reply, AD, ra,
                TestDevices.CLOCK);
        assertTrue(opened.confirmed(), () -> "reply not confirmed: " + opened.failure());

        ObjectNode v = json.createObjectNode();
        v.put("name", name);
        v.put("alice_seed", aliceSeed);
        v.put("bob_seed", bobSeed);
        v.put("vault_suites", CipherSuite.bitmask(Set.of(suite)));
        v.put("sender_suites", suite.wireId());
        v.put("associated_data", Vectors.hex(AD));
        v.put("alice_device_private", Vectors.hex(alice.deviceKey().privateKey().reveal()));
        v.put("alice_certificate", Vectors.hex(alice.certificate().encoded()));
        v.put("bob_account_seed", Vectors.hex(bobAccount.seed().reveal()));
        v.put("bob_account_public", Vectors.hex(bobAccount.publicKey().bytes()));
        v.put("bob_device_private", Vectors.hex(bob.deviceKey().privateKey().reveal()));
        v.put("bob_certificate", Vectors.hex(bob.certificate().encoded()));
        v.put("bundle_signature_input", Vectors.hex(bundle.signedContent()));
        v.put("bundle", Vectors.hex(bundle.encode()));
        v.put("first_message", Vectors.hex(out.message()));
        v.put("transcript_hash", Vectors.hex(in.transcriptHash()));
        v.put("plaintext", new String(in.plaintext(), StandardCharsets.UTF_8));
        v.put("first_reply_associated_data",
                Vectors.hex(FirstReply.associatedData(FirstReply.FORMAT, in.transcriptHash(), AD)));
        v.put("first_reply", Vectors.hex(reply));
        v.put("reply_plaintext", new String(opened.plaintext(), StandardCharsets.UTF_8));
        return v;
    }
}
