package im.sotto.protocol.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.testing.Vectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs every applicable vector for the patterns Sotto uses (XX, IK, NK, XXpsk3) over 25519 x {AESGCM, ChaChaPoly} x
 * SHA256 from the three published vector files, and fails if fewer ran than the files hold.
 */
class NoiseVectorTest {
    private static final Pattern APPLICABLE =
            Pattern.compile("Noise_(XX|IK|NK|XXpsk3)_25519_(AESGCM|ChaChaPoly)_SHA256");
    private static final Map<String, HandshakePattern> PATTERNS = Map.of(
            "XX", HandshakePattern.XX, "IK", HandshakePattern.IK, "NK", HandshakePattern.NK,
            "XXpsk3", HandshakePattern.XX_PSK3);

    @ParameterizedTest(name = "{0}")
    @CsvSource({"cacophony/cacophony.txt, 8", "snow/snow.txt, 6", "noise-c/noise-c-basic.txt, 6"})
    void passesEveryApplicableVector(String file, int expected) throws Exception {
        JsonNode vectors = Vectors.published(file).get("vectors");
        List<String> failures = new ArrayList<>();
        int ran = 0;
        int messages = 0;
        for (JsonNode v : vectors) {
            String name = v.has("protocol_name") ? v.get("protocol_name").asText() : v.get("name").asText();
            Matcher m = APPLICABLE.matcher(name);
            if (!m.matches()) {
                continue; // other patterns, curves, hashes, and noise-c's obsolete NoisePSK_ scheme
            }
            ran++;
            try {
                messages += run(v, PATTERNS.get(m.group(1)),
                        m.group(2).equals("AESGCM") ? CipherSuite.X25519_AESGCM_SHA256
                                : CipherSuite.X25519_CHACHAPOLY_SHA256);
            } catch (AssertionError | Exception e) {
                failures.add(name + ": " + e);
            }
        }
        System.out.printf("noise vectors %s: %d vectors, %d messages checked%n", file, ran, messages);
        assertEquals(List.of(), failures);
        assertEquals(expected, ran, "number of applicable vectors run from " + file);
    }

    private static int run(JsonNode v, HandshakePattern pattern, CipherSuite suite) throws Exception {
        HandshakeState init = side(v, "init_", pattern, suite, true);
        HandshakeState resp = side(v, "resp_", pattern, suite, false);
        JsonNode msgs = v.get("messages");
        int handshakeLength = pattern.messages().size();
        CipherState[] initKeys = null;
        CipherState[] respKeys = null;
        for (int i = 0; i < msgs.size(); i++) {
            byte[] payload = Vectors.hex(msgs.get(i).get("payload"));
            byte[] expected = Vectors.hex(msgs.get(i).get("ciphertext"));
            boolean fromInitiator = i % 2 == 0;
            if (i < handshakeLength) {
                HandshakeState sender = fromInitiator ? init : resp;
                HandshakeState receiver = fromInitiator ? resp : init;
                byte[] wire = sender.writeMessage(payload);
                assertEquals(Vectors.hex(expected), Vectors.hex(wire), "handshake message " + i);
                assertEquals(Vectors.hex(payload), Vectors.hex(receiver.readMessage(wire)), "payload " + i);
                if (i == handshakeLength - 1) {
                    assertEquals(HandshakeState.Status.COMPLETE, init.status());
                    assertEquals(HandshakeState.Status.COMPLETE, resp.status());
                    assertTrue(Arrays.equals(init.handshakeHash(), resp.handshakeHash()));
                    if (v.has("handshake_hash")) {
                        assertEquals(v.get("handshake_hash").asText(), Vectors.hex(init.handshakeHash()));
                    }
                    initKeys = init.split();
                    respKeys = resp.split();
                }
            } else {
                CipherState send = fromInitiator ? initKeys[0] : respKeys[1];
                CipherState recv = fromInitiator ? respKeys[0] : initKeys[1];
                byte[] wire = send.encryptWithAd(new byte[0], payload);
                assertEquals(Vectors.hex(expected), Vectors.hex(wire), "transport message " + i);
                assertEquals(Vectors.hex(payload), Vectors.hex(recv.decryptWithAd(new byte[0], wire)));
            }
        }
        return msgs.size();
    }

    private static HandshakeState side(JsonNode v, String prefix, HandshakePattern pattern, CipherSuite suite,
            boolean initiator) {
        HandshakeState.Builder b = HandshakeState.builder(pattern, suite, initiator)
                .prologue(Vectors.hex(v.get(prefix + "prologue")))
                .ephemeral(X25519KeyPair.fromPrivate(SecretBytes.copyOf(
                        Vectors.hex(v.get(prefix + "ephemeral")))));
        if (v.has(prefix + "static")) {
            b.localStatic(X25519KeyPair.fromPrivate(SecretBytes.copyOf(Vectors.hex(v.get(prefix + "static")))));
        }
        if (v.has(prefix + "remote_static")) {
            b.remoteStatic(Vectors.hex(v.get(prefix + "remote_static")));
        }
        if (v.has(prefix + "psks")) {
            for (JsonNode psk : v.get(prefix + "psks")) {
                b.psk(SecretBytes.copyOf(Vectors.hex(psk)));
            }
        }
        return b.build();
    }
}
