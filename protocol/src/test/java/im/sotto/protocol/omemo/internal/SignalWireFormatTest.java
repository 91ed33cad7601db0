package im.sotto.protocol.omemo.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.crypto.HashAlgorithm;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoFailure;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The Signal message encodings, field by field, and every way the strict reader refuses them. */
class SignalWireFormatTest {
    private static final byte[] MAC_KEY = filled(32, 0x11);
    private static final byte[] ALICE = filled(32, 0x22);
    private static final byte[] BOB = filled(32, 0x33);
    private static final byte[] RATCHET = filled(32, 0x44);

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static SignalMessage sample() {
        return SignalMessage.create(MAC_KEY, ALICE, BOB, RATCHET, 300, 2, filled(32, 0x55));
    }

    private static byte[] withMac(byte[] versionedBody) {
        byte[] mac = HashAlgorithm.SHA256.hmac(SecretBytes.copyOf(MAC_KEY), CurveKeys.serialize(ALICE),
                CurveKeys.serialize(BOB), versionedBody);
        byte[] out = Arrays.copyOf(versionedBody, versionedBody.length + 8);
        System.arraycopy(mac, 0, out, versionedBody.length, 8);
        return out;
    }

    private static OmemoFailure refusal(byte[] data) {
        return assertThrows(OmemoException.class, () -> SignalMessage.parse(data)).reason();
    }

    @Test
    void aSignalMessageIsVersionProtobufAndTruncatedMac() throws OmemoException {
        byte[] serialized = sample().serialized();
        String hex = HexFormat.of().formatHex(serialized);
        // 0x33, field 1 (0x0a) length 33 with the 05 type byte, field 2 (0x10) varint 300 = ac 02, field 3 (0x18)
        // 2, field 4 (0x22) length 32.
        assertTrue(hex.startsWith("330a2105" + "44".repeat(32) + "10ac02" + "1802" + "2220" + "55".repeat(32)), hex);
        assertEquals(1 + 35 + 3 + 2 + 34 + 8, serialized.length);
        assertArrayEquals(serialized, withMac(Arrays.copyOf(serialized, serialized.length - 8)),
                "HMAC-SHA256 over sender identity || receiver identity || message, first 8 bytes");
        SignalMessage parsed = SignalMessage.parse(serialized);
        assertEquals(300, parsed.counter());
        assertEquals(2, parsed.previousCounter());
        assertArrayEquals(RATCHET, parsed.ratchetKey());
        assertTrue(parsed.verifyMac(MAC_KEY, ALICE, BOB));
        assertFalse(parsed.verifyMac(MAC_KEY, BOB, ALICE), "the identities are ordered sender first");
    }

    @Test
    void malformedSignalMessagesGetTypedRefusals() {
        byte[] good = sample().serialized();
        byte[] body = Arrays.copyOf(good, good.length - 8);
        assertEquals(OmemoFailure.MALFORMED, refusal(new byte[0]));
        assertEquals(OmemoFailure.MALFORMED, refusal(Arrays.copyOf(good, 5)));
        byte[] v2 = good.clone();
        v2[0] = 0x22;
        assertEquals(OmemoFailure.UNSUPPORTED_VERSION, refusal(v2));
        byte[] v4 = good.clone();
        v4[0] = 0x44;
        assertEquals(OmemoFailure.UNSUPPORTED_VERSION, refusal(v4));
        byte[] badKeyType = good.clone();
        badKeyType[3] = 0x06;
        assertEquals(OmemoFailure.INVALID_PUBLIC_KEY, refusal(badKeyType));
        // An unknown field 5, a repeated field 2, field 2 as bytes, a length past the end, an over-long varint.
        assertEquals(OmemoFailure.MALFORMED, refusal(withMac(concat(body, hex("2800")))));
        assertEquals(OmemoFailure.MALFORMED, refusal(withMac(concat(body, hex("1001")))));
        assertEquals(OmemoFailure.MALFORMED, refusal(withMac(concat(hex("33"), hex("1201ff")))));
        assertEquals(OmemoFailure.MALFORMED, refusal(withMac(concat(hex("33"), hex("0a7f05")))));
        assertEquals(OmemoFailure.MALFORMED, refusal(withMac(concat(hex("33"), hex("10ffffffffff01")))));
        assertEquals(OmemoFailure.MALFORMED, refusal(withMac(concat(hex("33"), hex("10ffffffff7f")))),
                "a varint above 32 bits");
        assertEquals(OmemoFailure.MALFORMED, refusal(withMac(concat(hex("33"), hex("10ff")))), "truncated varint");
        // Missing ciphertext; ciphertext not whole AES blocks; missing counter.
        byte[] noCiphertext = Arrays.copyOf(body, body.length - 34);
        assertEquals(OmemoFailure.MALFORMED, refusal(withMac(noCiphertext)));
        assertEquals(OmemoFailure.MALFORMED, refusal(withMac(concat(noCiphertext, hex("2201aa")))));
        assertEquals(OmemoFailure.MALFORMED, refusal(SignalMessage.create(MAC_KEY, ALICE, BOB, RATCHET, 1, 0,
                new byte[0]).serialized()));
        assertEquals(OmemoFailure.MALFORMED, refusal(new byte[5000]));
    }

    @Test
    void prekeyMessagesRoundTripAndRequireTheirFields() throws OmemoException {
        SignalMessage inner = sample();
        PreKeySignalMessage m = PreKeySignalMessage.create(12345, OptionalInt.of(77), 9, filled(32, 0x66),
                ALICE, inner);
        PreKeySignalMessage parsed = PreKeySignalMessage.parse(m.serialized());
        assertEquals(12345, parsed.registrationId());
        assertEquals(OptionalInt.of(77), parsed.preKeyId());
        assertEquals(9, parsed.signedPreKeyId());
        assertArrayEquals(filled(32, 0x66), parsed.baseKey());
        assertArrayEquals(ALICE, parsed.identityKey());
        assertArrayEquals(inner.serialized(), parsed.message().serialized());
        String hex = HexFormat.of().formatHex(m.serialized());
        assertTrue(hex.startsWith("33" + "084d" + "122105"), "version, preKeyId = 1, baseKey = 2: " + hex);

        PreKeySignalMessage noOneTime = PreKeySignalMessage.create(1, OptionalInt.empty(), 9, filled(32, 0x66),
                ALICE, inner);
        assertEquals(OptionalInt.empty(), PreKeySignalMessage.parse(noOneTime.serialized()).preKeyId());

        byte[] withoutSigned = Arrays.copyOf(m.serialized(), m.serialized().length - 2); // drops "30 09"
        assertEquals(OmemoFailure.MALFORMED, assertThrows(OmemoException.class,
                () -> PreKeySignalMessage.parse(withoutSigned)).reason());
        byte[] wrongVersion = m.serialized();
        wrongVersion[0] = 0x23;
        assertEquals(OmemoFailure.UNSUPPORTED_VERSION, assertThrows(OmemoException.class,
                () -> PreKeySignalMessage.parse(wrongVersion)).reason());
    }

    @Test
    void chainStepsAndMessageKeysFollowTheSignalDerivation() throws Exception {
        byte[] chainKey = filled(32, 0x77);
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(chainKey, "HmacSHA256"));
        assertArrayEquals(mac.doFinal(new byte[] {2}), SignalKdf.nextChainKey(chainKey));
        byte[] seed = mac.doFinal(new byte[] {1});
        // HKDF-SHA256, zero salt, info "WhisperMessageKeys", 80 bytes, written out with the JDK's HMAC.
        mac.init(new javax.crypto.spec.SecretKeySpec(new byte[32], "HmacSHA256"));
        byte[] prk = mac.doFinal(seed);
        mac.init(new javax.crypto.spec.SecretKeySpec(prk, "HmacSHA256"));
        byte[] info = "WhisperMessageKeys".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] expected = new byte[96];
        byte[] t = new byte[0];
        for (int i = 1; i <= 3; i++) {
            mac.update(t);
            mac.update(info);
            mac.update((byte) i);
            t = mac.doFinal();
            System.arraycopy(t, 0, expected, 32 * (i - 1), 32);
        }
        assertArrayEquals(Arrays.copyOf(expected, 80), SignalKdf.messageKeys(chainKey));
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
