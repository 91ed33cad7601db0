package im.sotto.protocol.omemo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.omemo.internal.SessionRecord;
import im.sotto.protocol.store.StoreFailureException;
import im.sotto.protocol.testing.DeterministicRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Device identity, prekeys and bundles, fingerprints, and the stored records. */
class OmemoKeysTest {
    @Test
    void aFreshDeviceHasAFullSignedBundle() {
        OmemoTestDevice d = new OmemoTestDevice("d@example.org");
        OmemoBundle bundle = d.keys.bundle();
        assertTrue(OmemoDeviceId.isValid(bundle.deviceId()));
        assertEquals(OmemoLimits.ONE_TIME_PREKEYS, bundle.preKeys().size());
        assertTrue(bundle.signatureValid());
        Set<Integer> ids = new HashSet<>();
        bundle.preKeys().forEach(p -> assertTrue(ids.add(p.id()) && p.id() >= 1 && p.id() <= 0xFFFFFF));
        assertEquals(bundle.identityKey(), d.keys.identityKey());
    }

    @Test
    void reopeningKeepsTheIdentityAndRotationPublishesTheNewSignedPreKey() {
        OmemoTestDevice d = new OmemoTestDevice("d@example.org");
        OmemoPreKeys again = OmemoPreKeys.open(d.store, d.store, new DeterministicRandom("other"),
                OmemoTestDevice.CLOCK);
        assertEquals(d.keys.deviceId(), again.deviceId());
        assertEquals(d.keys.identityKey(), again.identityKey());
        assertEquals(d.keys.bundle().preKeys().size(), again.bundle().preKeys().size(), "no prekeys added");
        int old = d.keys.bundle().signedPreKeyId();
        int rotated = d.keys.rotateSignedPreKey();
        assertNotEquals(old, rotated);
        assertEquals(rotated, d.keys.bundle().signedPreKeyId(), "the newest signed prekey is published");
        assertTrue(d.keys.bundle().signatureValid());
        assertEquals(0, d.keys.removeSignedPreKeysCreatedBefore(OmemoTestDevice.CLOCK.instant()));
    }

    @Test
    void deviceIdsArePositive31BitNumbers() {
        DeterministicRandom random = new DeterministicRandom("ids");
        for (int i = 0; i < 1000; i++) {
            int id = OmemoDeviceId.generate(random);
            assertTrue(id >= 1, "id " + id);
        }
        assertTrue(OmemoDeviceId.isValid(Integer.MAX_VALUE));
        assertTrue(!OmemoDeviceId.isValid(0) && !OmemoDeviceId.isValid(1L << 31));
    }

    @Test
    void fingerprintsAreTheKeyInEightGroupsOfEightHexDigits() throws OmemoException {
        byte[] key = new byte[32];
        for (int i = 0; i < 32; i++) {
            key[i] = (byte) (0xa0 + i);
        }
        OmemoIdentityKey identity = OmemoIdentityKey.of(key);
        assertEquals("a0a1a2a3 a4a5a6a7 a8a9aaab acadaeaf b0b1b2b3 b4b5b6b7 b8b9babb bcbdbebf",
                identity.fingerprint());
        assertEquals(identity.fingerprint().replace(" ", ""), identity.fingerprintHex());
        assertArrayEquals(key, OmemoIdentityKey.fromSerialized(identity.serialized()).publicKey());
        assertEquals(0x05, identity.serialized()[0]);
        byte[] wrongType = identity.serialized();
        wrongType[0] = 0x06;
        assertEquals(OmemoFailure.INVALID_PUBLIC_KEY, assertThrows(OmemoException.class,
                () -> OmemoIdentityKey.fromSerialized(wrongType)).reason());
    }

    @Test
    void malformedBundlesAreRefused() {
        OmemoBundle b = new OmemoTestDevice("d@example.org").keys.bundle();
        byte[] id = b.identityKey().serialized();
        byte[] spk = b.signedPreKeySerialized();
        byte[] sig = b.signedPreKeySignature();
        List<OmemoBundle.PublishedPreKey> one = List.of(new OmemoBundle.PublishedPreKey(1, spk));
        assertRefused(() -> OmemoBundle.fromPublished(0, id, 1, spk, sig, one));
        assertRefused(() -> OmemoBundle.fromPublished(1L << 31, id, 1, spk, sig, one));
        assertRefused(() -> OmemoBundle.fromPublished(5, id, -1, spk, sig, one));
        assertRefused(() -> OmemoBundle.fromPublished(5, id, 1, spk, new byte[63], one));
        assertRefused(() -> OmemoBundle.fromPublished(5, id, 1, spk, sig, List.of(
                new OmemoBundle.PublishedPreKey(1, spk), new OmemoBundle.PublishedPreKey(1, spk))));
        assertRefused(() -> OmemoBundle.fromPublished(5, id, 1, spk, sig, List.of(
                new OmemoBundle.PublishedPreKey(1, new byte[32]))));
        assertRefused(() -> OmemoBundle.fromPublished(5, new byte[33], 1, spk, sig, one));
    }

    private static void assertRefused(org.junit.jupiter.api.function.Executable e) {
        OmemoException thrown = assertThrows(OmemoException.class, e);
        assertTrue(thrown.reason() == OmemoFailure.MALFORMED || thrown.reason() == OmemoFailure.INVALID_PUBLIC_KEY,
                thrown.toString());
    }

    @Test
    void sessionRecordsRoundTripAndDamageIsReported() throws OmemoException {
        OmemoTestDevice a = new OmemoTestDevice("a@example.org");
        OmemoTestDevice b = new OmemoTestDevice("b@example.org");
        a.sessions.buildSession(b.address(), b.keys.bundle());
        EncryptedKey skipped = a.sessions.encrypt(b.address(), new byte[32]);
        b.sessions.decrypt(a.address(), a.sessions.encrypt(b.address(), new byte[32]));
        byte[] record = b.sessionRecord(a);
        assertArrayEquals(record, SessionRecord.encode(SessionRecord.decode(record)));
        byte[] wrongVersion = record.clone();
        wrongVersion[0] = 2;
        assertEquals(StoreFailureException.Kind.DAMAGED, assertThrows(StoreFailureException.class,
                () -> SessionRecord.decode(wrongVersion)).kind());
        byte[] truncated = java.util.Arrays.copyOf(record, record.length - 1);
        assertThrows(StoreFailureException.class, () -> SessionRecord.decode(truncated));
        assertTrue(b.sessions.decrypt(a.address(), skipped) instanceof KeyDecryption.Decrypted);
    }
}
