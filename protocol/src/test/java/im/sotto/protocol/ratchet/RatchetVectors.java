package im.sotto.protocol.ratchet;

import im.sotto.protocol.testing.DeterministicRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.InvalidPublicKeyException;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;

/**
 * Builds docs/vectors/ratchet-v1.json from fixed inputs. Regenerate (only after a deliberate protocol change, and
 * review the diff) with {@code mvn -o -pl protocol test -Dtest=RatchetVectorsTest -Dsotto.regenerateVectors=true},
 * or run {@link #main} with the output path.
 */
final class RatchetVectors {
    static final HexFormat HEX = HexFormat.of();
    static final String TIME = "2025-01-01T00:00:00Z";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Who sends each batch, how many messages, and which of them are not delivered. */
    private static final int[][] SCRIPT = {
        {0, 3, 1}, // initiator: 3 messages, the second lost (the third proves it missing)
        {1, 1, -1}, // responder replies: DH step on both sides
        {0, 52, 20}, // a one-way run that crosses the heartbeat at message 50 of the chain
        {1, 2, -1},
        {0, 1, -1},
    };

    private RatchetVectors() {}

    static ObjectNode generate() throws InvalidPublicKeyException {
        ObjectNode root = JSON.createObjectNode();
        root.put("description", "Sotto v1 Double Ratchet known-answer vectors (docs/protocol.md, Double Ratchet"
                + " messages). Inputs are fixed; randomness comes from the test DRBG below; every message must come"
                + " out byte for byte and decrypt on the other side to its plaintext, in order, skipping those with"
                + " delivered=false.");
        root.put("drbg", "bytes are consumed in order from SHA-256(seed_utf8 || uint64_be(counter)) for counter ="
                + " 0, 1, 2, ...; one stream per party. Consumers: the initiator's first ratchet key (32 bytes) at"
                + " start; per encrypt: a heartbeat key pair (32) when a heartbeat sub-chain starts, then the header"
                + " nonce (12); per DH step on receipt: the new ratchet key (32). X25519 private keys are these 32"
                + " bytes (clamped by X25519).");
        ArrayNode vectors = root.putArray("vectors");
        for (CipherSuite suite : CipherSuite.values()) {
            if (suite.isHybrid()) {
                continue; // the hybrid suite changes the key agreement, not the ratchet: its AEAD and hash are suite 1's
            }
            vectors.add(vector(suite));
        }
        return root;
    }

    private static ObjectNode vector(CipherSuite suite) throws InvalidPublicKeyException {
        DeterministicRandom setup = new DeterministicRandom("sotto ratchet vector setup " + suite.wireId());
        byte[] rootKey = bytes(setup, 32);
        byte[] hka = bytes(setup, 32);
        byte[] nhkb = bytes(setup, 32);
        byte[] responderPrivate = bytes(setup, 32);
        String initiatorSeed = "sotto ratchet vector initiator " + suite.wireId();
        String responderSeed = "sotto ratchet vector responder " + suite.wireId();
        byte[] ad = "alice@example.org/phone|bob@example.net/laptop".getBytes(StandardCharsets.UTF_8);

        ObjectNode v = JSON.createObjectNode();
        v.put("suite", suite.name());
        v.put("suiteId", suite.wireId());
        v.put("rootKey", HEX.formatHex(rootKey));
        v.put("initiatorHeaderKey", HEX.formatHex(hka));
        v.put("responderHeaderKey", HEX.formatHex(nhkb));
        v.put("responderRatchetPrivateKey", HEX.formatHex(responderPrivate));
        v.put("initiatorRandomSeed", initiatorSeed);
        v.put("responderRandomSeed", responderSeed);
        v.put("time", TIME);
        v.put("associatedData", HEX.formatHex(ad));

        Sessions s = sessions(v);
        ArrayNode messages = v.putArray("messages");
        int counter = 0;
        for (int[] batch : SCRIPT) {
            for (int i = 0; i < batch[1]; i++) {
                boolean fromInitiator = batch[0] == 0;
                byte[] plaintext = ("message " + counter++).getBytes(StandardCharsets.UTF_8);
                byte[] m = (fromInitiator ? s.initiator : s.responder).encrypt(plaintext, ad);
                boolean delivered = i != batch[2];
                if (delivered) {
                    (fromInitiator ? s.responder : s.initiator).decrypt(m, ad);
                }
                ObjectNode o = messages.addObject();
                o.put("from", fromInitiator ? "initiator" : "responder");
                o.put("plaintext", HEX.formatHex(plaintext));
                o.put("delivered", delivered);
                o.put("message", HEX.formatHex(m));
            }
        }
        return v;
    }

    record Sessions(RatchetSession initiator, RatchetSession responder) {}

    /** Both sessions, built from a vector's inputs only. */
    static Sessions sessions(JsonNode v) throws InvalidPublicKeyException {
        CipherSuite suite = CipherSuite.valueOf(v.get("suite").asText());
        Clock clock = Clock.fixed(Instant.parse(v.get("time").asText()), ZoneOffset.UTC);
        SecretBytes root = secret(v, "rootKey");
        X25519KeyPair responderKey = X25519KeyPair.fromPrivate(secret(v, "responderRatchetPrivateKey"));
        RatchetSession initiator = RatchetSession.initiator(suite, root, responderKey.publicKey(),
                secret(v, "initiatorHeaderKey"), secret(v, "responderHeaderKey"),
                new DeterministicRandom(v.get("initiatorRandomSeed").asText()), clock);
        RatchetSession responder = RatchetSession.responder(suite, root, responderKey, secret(v, "responderHeaderKey"),
                secret(v, "initiatorHeaderKey"), new DeterministicRandom(v.get("responderRandomSeed").asText()), clock);
        return new Sessions(initiator, responder);
    }

    private static SecretBytes secret(JsonNode v, String field) {
        return SecretBytes.copyOf(HEX.parseHex(v.get(field).asText()));
    }

    private static byte[] bytes(DeterministicRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    static Path defaultFile() {
        String docs = System.getProperty("sotto.docs.dir");
        Path dir = docs != null ? Path.of(docs) : Path.of("..", "docs");
        return dir.resolve("vectors").resolve("ratchet-v1.json");
    }

    /** Writes the vectors file: {@code java ... RatchetVectors [path]}. */
    public static void main(String[] args) throws IOException, InvalidPublicKeyException {
        Path out = args.length > 0 ? Path.of(args[0]) : defaultFile();
        Files.createDirectories(out.getParent());
        Files.writeString(out, JSON.writeValueAsString(generate()) + "\n", StandardCharsets.UTF_8);
        System.out.println("wrote " + out);
    }
}
