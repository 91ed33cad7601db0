package im.sotto.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.omemo.OmemoBundle;
import im.sotto.protocol.omemo.OmemoFailure;
import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoIdentityKey;
import im.sotto.protocol.omemo.internal.XEdDsa;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.whispersystems.libsignal.IdentityKeyPair;
import org.whispersystems.libsignal.InvalidKeyException;
import org.whispersystems.libsignal.ecc.Curve;
import org.whispersystems.libsignal.ecc.ECKeyPair;
import org.whispersystems.libsignal.util.KeyHelper;

/**
 * Signatures and fingerprints across the two implementations: XEdDSA signatures made by each verify at the other
 * (over many keys, so both signs of the Edwards x coordinate occur), a signed prekey signature forged by another key
 * fails at both, and the same identity key gives the same fingerprint.
 */
class XEdDsaAndFingerprintInteropTest {
    private static final int KEYS = 40;
    private final SecureRandom random = new SecureRandom();

    @Test
    void sottoSignaturesVerifyInSignalProtocolJava() throws Exception {
        byte[] message = "0x05 || signed prekey".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < KEYS; i++) {
            ECKeyPair signalPair = Curve.generateKeyPair();
            X25519KeyPair sottoPair = X25519KeyPair.fromPrivate(SecretBytes.copyOf(
                    signalPair.getPrivateKey().serialize()));
            byte[] signature = XEdDsa.sign(sottoPair.privateKey(), message, random);
            assertTrue(Curve.verifySignature(signalPair.getPublicKey(), message, signature), "key " + i);
            byte[] other = message.clone();
            other[0] ^= 1;
            assertFalse(Curve.verifySignature(signalPair.getPublicKey(), other, signature));
        }
    }

    @Test
    void signalProtocolJavaSignaturesVerifyInSotto() throws Exception {
        byte[] message = "0x05 || signed prekey".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < KEYS; i++) {
            ECKeyPair signalPair = Curve.generateKeyPair();
            byte[] signature = Curve.calculateSignature(signalPair.getPrivateKey(), message);
            byte[] publicKey = OmemoIdentityKey.fromSerialized(signalPair.getPublicKey().serialize()).publicKey();
            assertTrue(XEdDsa.verify(publicKey, message, signature), "key " + i);
            byte[] other = message.clone();
            other[0] ^= 1;
            assertFalse(XEdDsa.verify(publicKey, other, signature));
        }
    }

    @Test
    void signalRefusesASottoBundleWhoseSignatureIsForged() throws Exception {
        SottoDevice sotto = new SottoDevice();
        OmemoBundle genuine = sotto.keys.bundle();
        X25519KeyPair forger = X25519KeyPair.generate(random);
        byte[] forged = XEdDsa.sign(forger.privateKey(), genuine.signedPreKeySerialized(), random);
        OmemoBundle bundle = OmemoBundle.fromPublished(genuine.deviceId(), genuine.identityKey().serialized(),
                genuine.signedPreKeyId(), genuine.signedPreKeySerialized(), forged,
                List.of(new OmemoBundle.PublishedPreKey(genuine.preKeys().get(0).id(),
                        genuine.preKeys().get(0).serialized())));
        SignalPeer signal = new SignalPeer();
        try {
            signal.buildSessionFrom(new org.whispersystems.libsignal.SignalProtocolAddress("s@example.org", 1),
                    bundle);
            throw new AssertionError("signal-protocol-java accepted a forged signed prekey signature");
        } catch (InvalidKeyException expected) {
            // the peer checks the signature as Sotto does
        }
        assertFalse(bundle.signatureValid());
    }

    @Test
    void sottoRefusesASignalBundleWhoseSignatureIsForged() throws Exception {
        SignalPeer signal = new SignalPeer();
        OmemoBundle genuine = signal.bundleForSotto();
        IdentityKeyPair forger = KeyHelper.generateIdentityKeyPair();
        byte[] forged = Curve.calculateSignature(forger.getPrivateKey(), genuine.signedPreKeySerialized());
        OmemoBundle bundle = OmemoBundle.fromPublished(genuine.deviceId(), genuine.identityKey().serialized(),
                genuine.signedPreKeyId(), genuine.signedPreKeySerialized(), forged, List.of());
        SottoDevice sotto = new SottoDevice();
        im.sotto.protocol.store.SessionAddress address =
                new im.sotto.protocol.store.SessionAddress("c@example.org", genuine.deviceId());
        try {
            sotto.sessions.buildSession(address, bundle);
            throw new AssertionError("Sotto accepted a forged signed prekey signature");
        } catch (OmemoException e) {
            assertEquals(OmemoFailure.INVALID_BUNDLE, e.reason());
        }
        assertFalse(sotto.sessions.hasSession(address));
    }

    @Test
    void fingerprintsAgree() throws Exception {
        for (int i = 0; i < 5; i++) {
            IdentityKeyPair signalIdentity = KeyHelper.generateIdentityKeyPair();
            OmemoIdentityKey sotto = OmemoIdentityKey.fromSerialized(signalIdentity.getPublicKey().serialize());
            // signal-protocol-java prints the 33-byte serialized key as "(byte)0x05, (byte)0x..". OMEMO clients
            // drop the 05 type byte and group the remaining 64 digits by eight.
            StringBuilder digits = new StringBuilder();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("0x([0-9a-fA-F]{2})")
                    .matcher(signalIdentity.getPublicKey().getFingerprint());
            while (m.find()) {
                digits.append(m.group(1).toLowerCase());
            }
            String signalHex = digits.toString();
            assertEquals(66, signalHex.length());
            assertEquals("05", signalHex.substring(0, 2));
            assertEquals(signalHex.substring(2), sotto.fingerprintHex());
            assertEquals(signalHex.substring(2), sotto.fingerprint().replace(" ", ""));
            assertEquals(8, sotto.fingerprint().split(" ").length);
        }
    }
}
