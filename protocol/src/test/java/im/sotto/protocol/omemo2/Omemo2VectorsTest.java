package im.sotto.protocol.omemo2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import im.sotto.protocol.crypto.Ed25519KeyPair;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.omemo.EncryptedKey;
import im.sotto.protocol.omemo.InMemoryOmemoStore;
import im.sotto.protocol.omemo.OmemoFailure;
import im.sotto.protocol.omemo.OmemoPreKeyKind;
import im.sotto.protocol.omemo.internal.KeyRecords;
import im.sotto.protocol.omemo2.internal.TwomemoKeyRecords;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.testing.DeterministicRandom;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Known-answer tests against python-omemo's twomemo backend (Debian python3-twomemo 1.0.3-2, MIT): messages that
 * library produced for a device whose private keys the vector file carries (src/test/resources/omemo2, with its
 * generator and SOURCE note). Sotto, holding those keys, must read every message; the other direction (Sotto's
 * messages read by twomemo) runs live in interop's {@code TwomemoInteropTest}.
 */
class Omemo2VectorsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T08:00:00Z"), ZoneOffset.UTC);
    private static final JsonNode VECTORS = load();

    private InMemoryOmemoStore store;
    private Omemo2LocalKeys keys;
    private Omemo2SessionCipher bob;
    private SessionAddress alice;

    @BeforeEach
    void bobWithTheVectorsKeys() {
        JsonNode priv = VECTORS.at("/recipient/private");
        store = new InMemoryOmemoStore();
        store.storeLocalDevice(TwomemoKeyRecords.encodeDevice(new TwomemoKeyRecords.Device(
                priv.get("device_id").asInt(), Ed25519KeyPair.fromSeed(SecretBytes.copyOf(b64(priv.get("seed")))))));
        JsonNode spk = priv.get("spk");
        store.store(OmemoPreKeyKind.SIGNED, spk.get("id").asInt(), KeyRecords.encodeSignedPreKey(
                new KeyRecords.SignedPreKey(pair(spk), b64(spk.get("sig")), CLOCK.instant())));
        for (JsonNode pk : priv.get("pks")) {
            store.store(OmemoPreKeyKind.ONE_TIME, pk.get("id").asInt(), KeyRecords.encodeOneTimePreKey(pair(pk)));
        }
        keys = Omemo2LocalKeys.open(store, store, new DeterministicRandom("omemo2 vectors"), CLOCK);
        bob = new Omemo2SessionCipher(keys, store, Omemo2Trust.BLIND, new DeterministicRandom("omemo2 bob"));
        alice = new SessionAddress(VECTORS.at("/sender/jid").asText(), VECTORS.at("/sender/device_id").asInt());
    }

    @Test
    void ourBundleFromTheirKeysIsTheirBundle() {
        JsonNode published = VECTORS.at("/recipient/bundle");
        Omemo2Bundle ours = keys.bundle();
        assertArrayEquals(b64(published.get("ik")), ours.identityKey().publicKey(), "Ed25519 key from the seed");
        assertArrayEquals(b64(published.get("spk")), ours.signedPreKey());
        assertEquals(published.get("pks").size(), ours.preKeys().size());
        assertTrue(ours.signatureValid(), "their signed prekey signature verifies as plain Ed25519");
    }

    @Test
    void theirKeyExchangeAndLaterMessagesDecryptInOrder() {
        List<JsonNode> messages = messages();
        for (JsonNode m : messages) {
            Omemo2Decryption result = decrypt(m);
            expectPlaintext(m, result);
        }
        assertEquals(VECTORS.at("/sender/ik").asText(),
                Base64.getEncoder().encodeToString(bob.peerIdentity(alice).orElseThrow().publicKey()));
    }

    @Test
    void theirMessagesDecryptOutOfOrderAndOnlyOnce() {
        List<JsonNode> messages = messages();
        expectPlaintext(messages.get(3), decrypt(messages.get(3)));
        expectPlaintext(messages.get(0), decrypt(messages.get(0)));
        expectPlaintext(messages.get(2), decrypt(messages.get(2)));
        expectPlaintext(messages.get(1), decrypt(messages.get(1)));
        for (JsonNode m : messages) {
            assertEquals(new Omemo2Decryption.Failed(OmemoFailure.DUPLICATE), decrypt(m), "replay of " + m);
        }
    }

    @Test
    void aTamperedPayloadIsRefusedAndChangesNothing() {
        JsonNode first = messages().get(0);
        byte[] payload = b64(first.get("payload"));
        payload[payload.length - 1] ^= 1;
        List<Integer> preKeysBefore = store.ids(OmemoPreKeyKind.ONE_TIME);
        Omemo2Decryption refused = bob.decrypt(alice, key(first), Optional.of(payload));
        assertEquals(new Omemo2Decryption.Failed(OmemoFailure.PAYLOAD_AUTHENTICATION_FAILED), refused);
        assertTrue(store.load(alice).isEmpty(), "no session stored");
        assertEquals(preKeysBefore, store.ids(OmemoPreKeyKind.ONE_TIME), "no prekey used up");
        expectPlaintext(first, decrypt(first));
    }

    @Test
    void aTamperedKeyElementIsRefusedAndChangesNothing() {
        JsonNode first = messages().get(0);
        expectPlaintext(first, decrypt(first));
        byte[] record = store.load(alice).orElseThrow();
        JsonNode second = messages().get(1);
        byte[] data = b64(second.get("key"));
        data[data.length - 20] ^= 1; // inside the AES-CBC ciphertext of the inner message: the MAC covers it
        Omemo2Decryption refused = bob.decrypt(alice, new EncryptedKey(keys.deviceId(), true, data),
                Optional.of(b64(second.get("payload"))));
        assertEquals(new Omemo2Decryption.Failed(OmemoFailure.BAD_MAC), refused);
        assertArrayEquals(record, store.load(alice).orElseThrow());
        expectPlaintext(second, decrypt(second));
    }

    private Omemo2Decryption decrypt(JsonNode m) {
        Optional<byte[]> payload = m.get("payload").isNull() ? Optional.empty() : Optional.of(b64(m.get("payload")));
        return bob.decrypt(alice, key(m), payload);
    }

    private EncryptedKey key(JsonNode m) {
        return new EncryptedKey(keys.deviceId(), m.get("kex").asBoolean(), b64(m.get("key")));
    }

    private static void expectPlaintext(JsonNode m, Omemo2Decryption result) {
        if (m.get("plaintext").isNull()) {
            assertInstanceOf(Omemo2Decryption.Empty.class, result, () -> "empty message: " + result);
        } else {
            Omemo2Decryption.Message message = assertInstanceOf(Omemo2Decryption.Message.class, result,
                    () -> "message " + m.get("plaintext") + ": " + result);
            assertEquals(m.get("plaintext").asText(), new String(message.envelope(), StandardCharsets.UTF_8));
        }
    }

    private static List<JsonNode> messages() {
        List<JsonNode> out = new ArrayList<>();
        VECTORS.get("messages").forEach(out::add);
        return out;
    }

    private static X25519KeyPair pair(JsonNode key) {
        X25519KeyPair pair = X25519KeyPair.fromPrivate(SecretBytes.copyOf(b64(key.get("priv"))));
        assertArrayEquals(b64(key.get("pub")), pair.publicKey(), "X25519 private and public keys match");
        return pair;
    }

    private static byte[] b64(JsonNode node) {
        return Base64.getDecoder().decode(node.asText());
    }

    private static JsonNode load() {
        try (InputStream in = Omemo2VectorsTest.class.getResourceAsStream("/omemo2/twomemo-vectors.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
