package im.sotto.protocol.omemo2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.omemo.EncryptedKey;
import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoFailure;
import im.sotto.protocol.omemo.OmemoLimits;
import im.sotto.protocol.omemo.OmemoPreKeyKind;
import im.sotto.protocol.omemo2.internal.TwomemoRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Two Sotto OMEMO 2 devices: sessions both ways, ratchet steps, reordering, replays, and refusals that change nothing. */
class Omemo2SessionCipherTest {
    private final Omemo2TestDevice alice = new Omemo2TestDevice("alice@example.org");
    private final Omemo2TestDevice bob = new Omemo2TestDevice("bob@example.org");

    @Test
    void keyExchangeUntilAnsweredThenNormalMessagesBothWays() throws OmemoException {
        Omemo2TestDevice.Sent first = alice.send(bob, "one");
        Omemo2TestDevice.Sent second = alice.send(bob, "two");
        assertTrue(first.key().preKey() && second.key().preKey(), "kex until bob answers");
        assertText("one", bob.receive(alice, first));
        assertText("two", bob.receive(alice, second));
        Omemo2TestDevice.Sent reply = bob.send(alice, "hi");
        assertFalse(reply.key().preKey(), "the responder never sends a key exchange");
        assertText("hi", alice.receive(bob, reply));
        for (int round = 0; round < 3; round++) {
            Omemo2TestDevice.Sent a = alice.send(bob, "a" + round);
            assertFalse(a.key().preKey(), "answered: no more key exchanges");
            assertText("a" + round, bob.receive(alice, a));
            assertText("b" + round, alice.receive(bob, bob.send(alice, "b" + round)));
        }
    }

    @Test
    void reorderedAcrossRatchetStepsAndReplaysRefused() throws OmemoException {
        assertText("start", bob.receive(alice, alice.send(bob, "start")));
        assertText("ok", alice.receive(bob, bob.send(alice, "ok")));
        List<Omemo2TestDevice.Sent> oldChain = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            oldChain.add(alice.send(bob, "old" + i));
        }
        assertText("old2", bob.receive(alice, oldChain.get(2)));
        assertText("step", alice.receive(bob, bob.send(alice, "step")));
        Omemo2TestDevice.Sent newChain = alice.send(bob, "new");
        assertText("new", bob.receive(alice, newChain));
        assertText("old0", bob.receive(alice, oldChain.get(0)));
        assertText("old1", bob.receive(alice, oldChain.get(1)));
        byte[] record = bob.store.load(alice.address()).orElseThrow();
        for (Omemo2TestDevice.Sent replay : List.of(oldChain.get(0), oldChain.get(2), newChain)) {
            assertEquals(new Omemo2Decryption.Failed(OmemoFailure.DUPLICATE), bob.receive(alice, replay));
        }
        assertArrayEquals(record, bob.store.load(alice.address()).orElseThrow(), "replays change nothing");
    }

    @Test
    void emptyMessagesAdvanceTheSessionAndDeliverNothing() throws OmemoException {
        assertInstanceOf(Omemo2Decryption.Empty.class, bob.receive(alice, alice.send(bob, null)));
        assertInstanceOf(Omemo2Decryption.Empty.class, alice.receive(bob, bob.send(alice, null)));
        assertFalse(alice.send(bob, "after").key().preKey(), "an empty answer confirms the session");
    }

    @Test
    void anEmptyMessageWithNonZeroKeyMaterialIsRefused() throws OmemoException {
        alice.sessions.buildSession(bob.address(), bob.keys.bundle());
        EncryptedKey key = alice.sessions.encrypt(bob.address(), new byte[32 + 1]);
        assertEquals(new Omemo2Decryption.Failed(OmemoFailure.BAD_KEY_MATERIAL),
                bob.sessions.decrypt(alice.address(), key, Optional.empty()));
        assertTrue(bob.store.load(alice.address()).isEmpty());
    }

    @Test
    void theKeyExchangeUsesUpItsOneTimePreKeyOnlyOnSuccess() throws OmemoException {
        Omemo2TestDevice.Sent first = alice.send(bob, "hello");
        int before = bob.store.ids(OmemoPreKeyKind.ONE_TIME).size();
        byte[] forged = first.payload().clone();
        forged[0] ^= 1;
        assertEquals(new Omemo2Decryption.Failed(OmemoFailure.PAYLOAD_AUTHENTICATION_FAILED),
                bob.receive(alice, new Omemo2TestDevice.Sent(first.key(), forged)));
        assertEquals(before, bob.store.ids(OmemoPreKeyKind.ONE_TIME).size());
        Omemo2Decryption.Message opened = assertText("hello", bob.receive(alice, first));
        assertEquals(before - 1, bob.store.ids(OmemoPreKeyKind.ONE_TIME).size());
        assertTrue(opened.sessionCreated() && opened.consumedPreKeyId().isPresent());
        assertEquals(OmemoLimits.ONE_TIME_PREKEYS - before + 1, bob.keys.refill());
    }

    @Test
    void aBundleWithAForgedSignatureOrAnUntrustedKeyIsRefused() throws OmemoException {
        Omemo2Bundle real = bob.keys.bundle();
        byte[] signature = real.signedPreKeySignature();
        signature[5] ^= 1;
        Omemo2Bundle forged = Omemo2Bundle.fromPublished(real.deviceId(), real.identityKey().publicKey(),
                real.signedPreKeyId(), real.signedPreKey(), signature, published(real));
        OmemoException e = assertThrows(OmemoException.class, () -> alice.sessions.buildSession(bob.address(), forged));
        assertEquals(OmemoFailure.INVALID_BUNDLE, e.reason());
        Omemo2TestDevice wary = new Omemo2TestDevice("carol@example.org", (address, key) -> false);
        e = assertThrows(OmemoException.class, () -> wary.sessions.buildSession(bob.address(), real));
        assertEquals(OmemoFailure.UNTRUSTED_IDENTITY, e.reason());
        assertFalse(alice.sessions.hasSession(bob.address()));
        assertFalse(wary.sessions.hasSession(bob.address()));
    }

    @Test
    void aKeyExchangeFromAnUntrustedIdentityIsRefused() throws OmemoException {
        Omemo2TestDevice wary = new Omemo2TestDevice("dave@example.org", (address, key) -> false);
        Omemo2TestDevice.Sent sent = alice.send(wary, "hi");
        assertEquals(new Omemo2Decryption.Failed(OmemoFailure.UNTRUSTED_IDENTITY), wary.receive(alice, sent));
        assertFalse(wary.sessions.hasSession(alice.address()));
    }

    @Test
    void malformedBundlesAreTypedErrors() {
        Omemo2Bundle real = bob.keys.bundle();
        byte[] ik = real.identityKey().publicKey();
        OmemoException e = assertThrows(OmemoException.class, () -> Omemo2Bundle.fromPublished(real.deviceId(), ik,
                real.signedPreKeyId(), real.signedPreKey(), real.signedPreKeySignature(), List.of()));
        assertEquals(OmemoFailure.INVALID_BUNDLE, e.reason(), "OMEMO 2 needs a one-time prekey");
        byte[] notOnCurve = new byte[32];
        notOnCurve[0] = 2; // y = 2 has no x on edwards25519
        e = assertThrows(OmemoException.class, () -> Omemo2Bundle.fromPublished(real.deviceId(), notOnCurve,
                real.signedPreKeyId(), real.signedPreKey(), real.signedPreKeySignature(), published(real)));
        assertEquals(OmemoFailure.INVALID_PUBLIC_KEY, e.reason());
        e = assertThrows(OmemoException.class, () -> Omemo2Bundle.fromPublished(0, ik, real.signedPreKeyId(),
                real.signedPreKey(), real.signedPreKeySignature(), published(real)));
        assertEquals(OmemoFailure.MALFORMED, e.reason());
    }

    @Test
    void sessionRecordsRoundTripAndAreNotOmemo03Records() throws OmemoException {
        assertText("x", bob.receive(alice, alice.send(bob, "x")));
        byte[] record = bob.store.load(alice.address()).orElseThrow();
        assertArrayEquals(record, TwomemoRecord.encode(TwomemoRecord.decode(record)));
        assertEquals(TwomemoRecord.RECORD_TAG, record[0]);
        assertThrows(im.sotto.protocol.store.StoreFailureException.class, () ->
                im.sotto.protocol.omemo.internal.SessionRecord.decode(record));
    }

    private static List<Omemo2Bundle.PublishedPreKey> published(Omemo2Bundle b) {
        List<Omemo2Bundle.PublishedPreKey> out = new ArrayList<>();
        for (Omemo2Bundle.PreKey p : b.preKeys()) {
            out.add(new Omemo2Bundle.PublishedPreKey(p.id(), p.publicKey()));
        }
        return out;
    }

    private static Omemo2Decryption.Message assertText(String expected, Omemo2Decryption result) {
        Omemo2Decryption.Message m = assertInstanceOf(Omemo2Decryption.Message.class, result, result::toString);
        assertEquals(expected, new String(m.envelope(), StandardCharsets.UTF_8));
        return m;
    }
}
