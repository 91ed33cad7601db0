package im.sotto.protocol.omemo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two Sotto OMEMO devices: session setup from a bundle, the ratchet in both directions, and every refusal leaving
 * the stores byte for byte as they were.
 */
class OmemoSessionCipherTest {
    private final OmemoTestDevice alice = new OmemoTestDevice("alice@example.org");
    private final OmemoTestDevice bob = new OmemoTestDevice("bob@example.org");

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private EncryptedKey send(OmemoTestDevice from, OmemoTestDevice to, String text) throws OmemoException {
        return from.sessions.encrypt(to.address(), utf8(text));
    }

    private static KeyDecryption.Decrypted receive(OmemoTestDevice at, OmemoTestDevice from, EncryptedKey key,
            String expected) {
        KeyDecryption result = at.sessions.decrypt(from.address(), key);
        KeyDecryption.Decrypted d = assertInstanceOf(KeyDecryption.Decrypted.class, result, result::toString);
        assertArrayEquals(utf8(expected), d.keyMaterial());
        return d;
    }

    private static void refused(OmemoTestDevice at, OmemoTestDevice from, EncryptedKey key, OmemoFailure reason) {
        byte[] session = at.store.load(from.address()).orElse(null);
        List<Integer> preKeys = at.store.ids(OmemoPreKeyKind.ONE_TIME);
        assertEquals(new KeyDecryption.Failed(reason), at.sessions.decrypt(from.address(), key));
        if (session == null) {
            assertFalse(at.store.load(from.address()).isPresent(), "no session was created");
        } else {
            assertArrayEquals(session, at.store.load(from.address()).orElseThrow(), "the session is unchanged");
        }
        assertEquals(preKeys, at.store.ids(OmemoPreKeyKind.ONE_TIME), "no prekey was used up");
    }

    private void establish() throws OmemoException {
        alice.sessions.buildSession(bob.address(), bob.keys.bundle());
        receive(bob, alice, send(alice, bob, "hello"), "hello");
        receive(alice, bob, send(bob, alice, "hi"), "hi");
    }

    @Test
    void prekeyMessagesUntilTheFirstReplyThenNormalMessages() throws OmemoException {
        alice.sessions.buildSession(bob.address(), bob.keys.bundle());
        EncryptedKey first = send(alice, bob, "one");
        EncryptedKey second = send(alice, bob, "two");
        assertTrue(first.preKey() && second.preKey());
        assertEquals(bob.keys.deviceId(), first.recipientDeviceId());

        KeyDecryption.Decrypted opened = receive(bob, alice, second, "two");
        assertTrue(opened.sessionCreated());
        assertEquals(alice.keys.identityKey(), opened.senderIdentity());
        assertEquals(OmemoLimits.ONE_TIME_PREKEYS - 1, bob.keys.bundle().preKeys().size());
        assertFalse(bob.keys.bundle().preKeys().stream().anyMatch(
                p -> p.id() == opened.consumedPreKeyId().getAsInt()), "the used prekey is no longer published");
        KeyDecryption.Decrypted late = receive(bob, alice, first, "one");
        assertFalse(late.sessionCreated(), "the first message, arriving late, belongs to the same session");

        EncryptedKey reply = send(bob, alice, "reply");
        assertFalse(reply.preKey());
        receive(alice, bob, reply, "reply");
        assertFalse(send(alice, bob, "normal").preKey(), "the reply ends the prekey messages");
        assertEquals(1, bob.keys.refill());
        assertEquals(OmemoLimits.ONE_TIME_PREKEYS, bob.keys.bundle().preKeys().size());
    }

    @Test
    void outOfOrderWithinAndAcrossRatchetSteps() throws OmemoException {
        establish();
        List<EncryptedKey> held = new ArrayList<>();
        for (int step = 0; step < 4; step++) {
            EncryptedKey early = send(alice, bob, "held " + step);
            held.add(early);
            receive(bob, alice, send(alice, bob, "now " + step), "now " + step);
            receive(alice, bob, send(bob, alice, "back " + step), "back " + step);
        }
        for (int step = 3; step >= 0; step--) {
            receive(bob, alice, held.get(step), "held " + step);
        }
    }

    @Test
    void duplicatesAreRefusedWithoutStateChange() throws OmemoException {
        establish();
        EncryptedKey m = send(alice, bob, "once");
        EncryptedKey next = send(alice, bob, "next");
        receive(bob, alice, next, "next");
        receive(bob, alice, m, "once");
        refused(bob, alice, m, OmemoFailure.DUPLICATE);
        refused(bob, alice, next, OmemoFailure.DUPLICATE);
    }

    @Test
    void aReplayedFirstMessageAfterTheSessionIsGoneFindsNoPrekey() throws OmemoException {
        alice.sessions.buildSession(bob.address(), bob.keys.bundle());
        EncryptedKey first = send(alice, bob, "first");
        receive(bob, alice, first, "first");
        refused(bob, alice, first, OmemoFailure.DUPLICATE);
        bob.store.delete(alice.address());
        refused(bob, alice, first, OmemoFailure.UNKNOWN_ONE_TIME_PREKEY);
    }

    @Test
    void tamperedMessagesAreRefusedWithoutStateChange() throws OmemoException {
        establish();
        EncryptedKey m = send(alice, bob, "genuine");
        byte[] data = m.data();
        for (int i = 1; i < data.length; i++) {
            byte[] tampered = data.clone();
            tampered[i] ^= 0x40;
            KeyDecryption result = bob.sessions.decrypt(alice.address(), new EncryptedKey(m.recipientDeviceId(),
                    false, tampered));
            assertInstanceOf(KeyDecryption.Failed.class, result, "byte " + i);
        }
        byte[] badMac = data.clone();
        badMac[data.length - 1] ^= 1;
        refused(bob, alice, new EncryptedKey(m.recipientDeviceId(), false, badMac), OmemoFailure.BAD_MAC);
        receive(bob, alice, m, "genuine");
    }

    @Test
    void aGapBeyondMaxSkipIsRefusedAndOneAtTheLimitIsFollowed() throws OmemoException {
        establish();
        List<EncryptedKey> sent = new ArrayList<>();
        for (int i = 0; i <= OmemoLimits.MAX_SKIP + 1; i++) {
            sent.add(send(alice, bob, "m" + i));
        }
        refused(bob, alice, sent.get(OmemoLimits.MAX_SKIP + 1), OmemoFailure.TOO_FAR_AHEAD);
        receive(bob, alice, sent.get(OmemoLimits.MAX_SKIP), "m" + OmemoLimits.MAX_SKIP);
        receive(bob, alice, sent.get(0), "m0");
        receive(bob, alice, sent.get(OmemoLimits.MAX_SKIP + 1), "m" + (OmemoLimits.MAX_SKIP + 1));
    }

    @Test
    void prekeyMessagesNamingMissingOrUntrustedKeysChangeNothing() throws OmemoException {
        alice.sessions.buildSession(bob.address(), bob.keys.bundle());
        EncryptedKey first = send(alice, bob, "first");

        OmemoTestDevice suspicious = new OmemoTestDevice("bob@example.org", (address, key) -> false);
        OmemoTestDevice carol = new OmemoTestDevice("carol@example.org");
        carol.sessions.buildSession(suspicious.address(), suspicious.keys.bundle());
        refused(suspicious, carol, send(carol, suspicious, "x"), OmemoFailure.UNTRUSTED_IDENTITY);

        bob.keys.rotateSignedPreKey();
        assertEquals(1, bob.keys.removeSignedPreKeysCreatedBefore(OmemoTestDevice.CLOCK.instant().plusSeconds(60)));
        refused(bob, alice, first, OmemoFailure.UNKNOWN_SIGNED_PREKEY);
        // A prekey message presented as a normal one does not parse as one.
        refused(bob, alice, new EncryptedKey(bob.keys.deviceId(), false, send(alice, bob, "x").data()),
                OmemoFailure.MALFORMED);
        // A normal message from a device Bob has no session with.
        OmemoTestDevice dave = new OmemoTestDevice("dave@example.org");
        dave.sessions.buildSession(carol.address(), carol.keys.bundle());
        receive(carol, dave, send(dave, carol, "a"), "a");
        EncryptedKey normal = send(carol, dave, "b");
        assertFalse(normal.preKey());
        refused(bob, carol, normal, OmemoFailure.NO_SESSION);
    }

    @Test
    void buildingRefusesBadBundlesAndUntrustedKeys() throws OmemoException {
        OmemoBundle genuine = bob.keys.bundle();
        byte[] signature = genuine.signedPreKeySignature();
        signature[5] ^= 1;
        OmemoBundle forged = OmemoBundle.fromPublished(genuine.deviceId(), genuine.identityKey().serialized(),
                genuine.signedPreKeyId(), genuine.signedPreKeySerialized(), signature, List.of());
        OmemoException e = assertThrows(OmemoException.class,
                () -> alice.sessions.buildSession(bob.address(), forged));
        assertEquals(OmemoFailure.INVALID_BUNDLE, e.reason());
        OmemoTestDevice wary = new OmemoTestDevice("wary@example.org", (address, key) -> false);
        assertEquals(OmemoFailure.UNTRUSTED_IDENTITY, assertThrows(OmemoException.class,
                () -> wary.sessions.buildSession(bob.address(), genuine)).reason());
        assertFalse(alice.sessions.hasSession(bob.address()));
        assertFalse(wary.sessions.hasSession(bob.address()));
        assertEquals(OmemoFailure.NO_SESSION, assertThrows(OmemoException.class,
                () -> send(alice, bob, "x")).reason());
    }

    @Test
    void aNewSessionKeepsTheOldStateForMessagesInFlight() throws OmemoException {
        establish();
        EncryptedKey inFlight = send(alice, bob, "sent before bob restarted");
        // Bob starts a session of his own (e.g. after losing track), which replaces the current state at Alice.
        bob.sessions.buildSession(alice.address(), alice.keys.bundle());
        receive(alice, bob, send(bob, alice, "new session"), "new session");
        receive(bob, alice, inFlight, "sent before bob restarted");
        receive(alice, bob, send(bob, alice, "still fine"), "still fine");
        receive(bob, alice, send(alice, bob, "answer"), "answer");
    }

    @Test
    void heldKeysAreBoundedAndTheOldestGoFirst() throws OmemoException {
        establish();
        List<EncryptedKey> first = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            first.add(send(alice, bob, "a" + i));
        }
        receive(bob, alice, first.get(999), "a999"); // 999 keys held
        receive(alice, bob, send(bob, alice, "turn"), "turn");
        List<EncryptedKey> second = new ArrayList<>();
        for (int i = 0; i < 1100; i++) {
            second.add(send(alice, bob, "b" + i));
        }
        receive(bob, alice, second.get(1099), "b1099"); // 1099 more: 98 over MAX_SKIPPED_KEYS
        assertEquals(2098 - OmemoLimits.MAX_SKIPPED_KEYS, 98);
        refused(bob, alice, first.get(97), OmemoFailure.DUPLICATE);
        receive(bob, alice, first.get(98), "a98");
        receive(bob, alice, second.get(0), "b0");
    }
}
