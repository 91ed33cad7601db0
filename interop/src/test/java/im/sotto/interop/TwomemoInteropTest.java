package im.sotto.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import im.sotto.protocol.omemo.EncryptedKey;
import im.sotto.protocol.omemo.InMemoryOmemoStore;
import im.sotto.protocol.omemo.OmemoFailure;
import im.sotto.protocol.omemo2.Omemo2Bundle;
import im.sotto.protocol.omemo2.Omemo2Decryption;
import im.sotto.protocol.omemo2.Omemo2LocalKeys;
import im.sotto.protocol.omemo2.Omemo2Payload;
import im.sotto.protocol.omemo2.Omemo2SessionCipher;
import im.sotto.protocol.omemo2.Omemo2Trust;
import im.sotto.protocol.store.SessionAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sotto's OMEMO 2 core against python-omemo's twomemo backend, live, both directions: sessions started by either
 * side (key exchanges until answered), normal messages across ratchet steps, empty messages, a replay, and a forged
 * payload refused by both. The messages travel as bytes; the XMPP binding is not involved.
 */
class TwomemoInteropTest {
    private static final String SOTTO_JID = "sotto@example.org";
    private static final String PY_JID = "python@example.org";
    private static final int PY_DEVICE = 4242;

    private final SecureRandom random = new SecureRandom();
    private final InMemoryOmemoStore store = new InMemoryOmemoStore();
    private final Omemo2LocalKeys keys = Omemo2LocalKeys.open(store, store, random, Clock.systemUTC());
    private final Omemo2SessionCipher sotto = new Omemo2SessionCipher(keys, store, Omemo2Trust.BLIND, random);
    private final SessionAddress python = new SessionAddress(PY_JID, PY_DEVICE);
    private TwomemoPeer peer;

    @BeforeEach
    void startPeer() throws Exception {
        peer = new TwomemoPeer(PY_JID, PY_DEVICE);
    }

    @AfterEach
    void stopPeer() throws Exception {
        peer.close();
    }

    @Test
    void sottoStartsTheSessionAndBothSidesTalk() throws Exception {
        sotto.buildSession(python, theirBundle());
        JsonNode first = sendToPython("hello twomemo");
        assertTrue(first.get("kex").asBoolean());
        assertEquals("hello twomemo", readInPython(first));
        JsonNode second = sendToPython("still a key exchange");
        assertTrue(second.get("kex").asBoolean(), "kex until python answers");
        assertEquals("still a key exchange", readInPython(second));
        for (int round = 0; round < 3; round++) {
            assertEquals("py" + round, readInSotto(fromPython("py" + round)));
            JsonNode ours = sendToPython("sotto" + round);
            assertFalse(ours.get("kex").asBoolean(), "answered: normal messages");
            assertEquals("sotto" + round, readInPython(ours));
        }
    }

    @Test
    void pythonStartsTheSessionAndBothSidesTalk() throws Exception {
        JsonNode first = fromPython("hello sotto");
        assertTrue(first.get("kex").asBoolean());
        assertEquals("hello sotto", readInSotto(first));
        assertEquals(new Omemo2Decryption.Failed(OmemoFailure.DUPLICATE), decrypt(first), "a replay");
        List<JsonNode> late = new ArrayList<>();
        late.add(fromPython("late one"));
        JsonNode reply = sendToPython("hi python");
        assertFalse(reply.get("kex").asBoolean(), "the responder never sends a key exchange");
        assertEquals("hi python", readInPython(reply));
        JsonNode empty = emptyToPython();
        assertTrue(peer.call(decryptRequest(empty)).get("plaintext").isNull(), "an empty message from Sotto");
        JsonNode afterStep = fromPython("after the step");
        assertEquals("after the step", readInSotto(afterStep));
        assertEquals("late one", readInSotto(late.get(0)), "a message from before the ratchet step");
        assertInstanceOf(Omemo2Decryption.Empty.class, decrypt(peer.call(encryptRequest(null))));
    }

    @Test
    void forgedPayloadsAreRefusedOnBothSides() throws Exception {
        sotto.buildSession(python, theirBundle());
        assertEquals("setup", readInPython(sendToPython("setup")));
        JsonNode theirs = fromPython("genuine");
        byte[] payload = Base64.getDecoder().decode(theirs.get("payload").asText());
        payload[0] ^= 1;
        Omemo2Decryption refused = sotto.decrypt(python, key(theirs), Optional.of(payload));
        assertEquals(new Omemo2Decryption.Failed(OmemoFailure.PAYLOAD_AUTHENTICATION_FAILED), refused);
        assertEquals("genuine", readInSotto(theirs), "the refusal changed nothing");
        ObjectNode forged = decryptRequest(sendToPython("genuine too"));
        byte[] ours = Base64.getDecoder().decode(forged.get("payload").asText());
        ours[0] ^= 1;
        forged.put("payload", Base64.getEncoder().encodeToString(ours));
        assertTrue(peer.call(forged).has("error"), "twomemo refuses Sotto's forged payload");
    }

    private Omemo2Bundle theirBundle() throws Exception {
        JsonNode b = peer.call(peer.request("bundle"));
        List<Omemo2Bundle.PublishedPreKey> pks = new ArrayList<>();
        for (JsonNode pk : b.get("pks")) {
            pks.add(new Omemo2Bundle.PublishedPreKey(pk.get("id").asLong(), b64(pk.get("key"))));
        }
        assertEquals(100, pks.size());
        return Omemo2Bundle.fromPublished(PY_DEVICE, b64(b.get("ik")), b.get("spk_id").asLong(), b64(b.get("spk")),
                b64(b.get("spks")), pks);
    }

    private ObjectNode ourBundleJson() {
        Omemo2Bundle ours = keys.bundle();
        ObjectNode b = peer.request("bundle-data");
        b.put("ik", b64(ours.identityKey().publicKey())).put("spk_id", ours.signedPreKeyId())
                .put("spk", b64(ours.signedPreKey())).put("spks", b64(ours.signedPreKeySignature()));
        var pks = b.putArray("pks");
        for (Omemo2Bundle.PreKey pk : ours.preKeys()) {
            pks.addObject().put("id", pk.id()).put("key", b64(pk.publicKey()));
        }
        return b;
    }

    /** Python encrypts {@code text} (null: an empty message) for Sotto's device, from our bundle when needed. */
    private ObjectNode encryptRequest(String text) {
        ObjectNode r = peer.request("encrypt").put("jid", SOTTO_JID).put("device_id", keys.deviceId());
        r.set("bundle", ourBundleJson());
        if (text != null) {
            r.put("plaintext", b64(text.getBytes(StandardCharsets.UTF_8)));
        }
        return r;
    }

    private JsonNode fromPython(String text) throws Exception {
        JsonNode sent = peer.call(encryptRequest(text));
        assertFalse(sent.has("error"), sent::toString);
        return sent;
    }

    private JsonNode sendToPython(String text) throws Exception {
        Omemo2Payload.Encrypted payload = Omemo2Payload.encrypt(text.getBytes(StandardCharsets.UTF_8), random);
        EncryptedKey key = sotto.encrypt(python, payload.keyMaterial());
        return peer.request("sent").put("kex", key.preKey()).put("key", b64(key.data()))
                .put("payload", b64(payload.ciphertext()));
    }

    private JsonNode emptyToPython() throws Exception {
        EncryptedKey key = sotto.encrypt(python, Omemo2Payload.emptyKeyMaterial());
        ObjectNode sent = peer.request("sent").put("kex", key.preKey()).put("key", b64(key.data()));
        sent.putNull("payload");
        return sent;
    }

    private ObjectNode decryptRequest(JsonNode sent) {
        ObjectNode r = peer.request("decrypt").put("jid", SOTTO_JID).put("device_id", keys.deviceId())
                .put("kex", sent.get("kex").asBoolean()).put("key", sent.get("key").asText());
        r.set("payload", sent.get("payload"));
        return r;
    }

    private String readInPython(JsonNode sent) throws Exception {
        JsonNode result = peer.call(decryptRequest(sent));
        assertFalse(result.has("error"), result::toString);
        return new String(b64(result.get("plaintext")), StandardCharsets.UTF_8);
    }

    private Omemo2Decryption decrypt(JsonNode sent) {
        Optional<byte[]> payload = sent.get("payload").isNull() ? Optional.empty()
                : Optional.of(b64(sent.get("payload")));
        return sotto.decrypt(python, key(sent), payload);
    }

    private EncryptedKey key(JsonNode sent) {
        return new EncryptedKey(keys.deviceId(), sent.get("kex").asBoolean(), b64(sent.get("key")));
    }

    private String readInSotto(JsonNode sent) {
        Omemo2Decryption.Message m = assertInstanceOf(Omemo2Decryption.Message.class, decrypt(sent),
                () -> "Sotto could not read " + sent);
        return new String(m.envelope(), StandardCharsets.UTF_8);
    }

    private static byte[] b64(JsonNode node) {
        return Base64.getDecoder().decode(node.asText());
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
