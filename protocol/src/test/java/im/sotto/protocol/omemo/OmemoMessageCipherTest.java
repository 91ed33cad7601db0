package im.sotto.protocol.omemo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whole OMEMO 0.3 messages between Sotto devices: bodies, own devices, key transport and refusals. */
class OmemoMessageCipherTest {
    private final OmemoTestDevice alice = new OmemoTestDevice("alice@example.org");
    private final OmemoTestDevice alicePhone = new OmemoTestDevice("alice@example.org");
    private final OmemoTestDevice bob = new OmemoTestDevice("bob@example.org");

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aBodyReachesThePeerAndOurOtherDevice() throws OmemoException {
        alice.sessions.buildSession(bob.address(), bob.keys.bundle());
        alice.sessions.buildSession(alicePhone.address(), alicePhone.keys.bundle());
        OmemoMessage m = alice.messages.encrypt(utf8("for both"), List.of(bob.address(), alicePhone.address()));
        assertEquals(alice.keys.deviceId(), m.senderDeviceId());
        assertEquals(OmemoMessageCipher.IV_LENGTH, m.iv().length);
        assertEquals(2, m.keys().size());
        assertEquals(utf8("for both").length, m.payload().orElseThrow().length, "the payload has no tag");

        OmemoDecryption atBob = bob.messages.decrypt(alice.address(), m);
        assertArrayEquals(utf8("for both"), assertInstanceOf(OmemoDecryption.Message.class, atBob).plaintext());
        OmemoDecryption atPhone = alicePhone.messages.decrypt(alice.address(), m);
        assertArrayEquals(utf8("for both"), assertInstanceOf(OmemoDecryption.Message.class, atPhone).plaintext());
        assertEquals(OmemoFailure.DUPLICATE, assertInstanceOf(OmemoDecryption.Failed.class,
                bob.messages.decrypt(alice.address(), m)).reason());
    }

    @Test
    void keyTransportAnswersAPrekeyMessage() throws OmemoException {
        alice.sessions.buildSession(bob.address(), bob.keys.bundle());
        bob.messages.decrypt(alice.address(), alice.messages.encrypt(utf8("hi"), List.of(bob.address())));
        OmemoMessage transport = bob.messages.keyTransport(List.of(alice.address()));
        assertTrue(transport.isKeyTransport());
        assertInstanceOf(OmemoDecryption.KeyTransport.class, alice.messages.decrypt(bob.address(), transport));
        OmemoMessage next = alice.messages.encrypt(utf8("after"), List.of(bob.address()));
        assertFalse(next.keys().get(0).preKey(), "the key transport ended the prekey messages");
    }

    @Test
    void refusalsLeaveTheSessionUnchanged() throws OmemoException {
        alice.sessions.buildSession(bob.address(), bob.keys.bundle());
        bob.messages.decrypt(alice.address(), alice.messages.encrypt(utf8("hi"), List.of(bob.address())));
        OmemoMessage m = alice.messages.encrypt(utf8("genuine"), List.of(bob.address()));
        byte[] before = bob.sessionRecord(alice);

        byte[] payload = m.payload().orElseThrow();
        payload[0] ^= 1;
        OmemoMessage forged = OmemoMessage.withPayload(m.senderDeviceId(), m.iv(), m.keys(), payload);
        assertEquals(new OmemoDecryption.Failed(OmemoFailure.PAYLOAD_AUTHENTICATION_FAILED),
                bob.messages.decrypt(alice.address(), forged));
        OmemoMessage badIv = OmemoMessage.withPayload(m.senderDeviceId(), new byte[8], m.keys(),
                m.payload().orElseThrow());
        assertEquals(new OmemoDecryption.Failed(OmemoFailure.MALFORMED), bob.messages.decrypt(alice.address(), badIv));
        OmemoMessage notForBob = OmemoMessage.withPayload(m.senderDeviceId(), m.iv(), List.of(new EncryptedKey(
                bob.keys.deviceId() + 1, false, m.keys().get(0).data())), m.payload().orElseThrow());
        assertEquals(new OmemoDecryption.Failed(OmemoFailure.NOT_FOR_THIS_DEVICE),
                bob.messages.decrypt(alice.address(), notForBob));
        assertArrayEquals(before, bob.sessionRecord(alice));

        EncryptedKey oddMaterial = alice.sessions.encrypt(bob.address(), new byte[20]);
        OmemoMessage odd = OmemoMessage.withPayload(m.senderDeviceId(), m.iv(), List.of(oddMaterial), new byte[4]);
        byte[] beforeOdd = bob.sessionRecord(alice);
        assertEquals(new OmemoDecryption.Failed(OmemoFailure.BAD_KEY_MATERIAL),
                bob.messages.decrypt(alice.address(), odd));
        assertArrayEquals(beforeOdd, bob.sessionRecord(alice));
        assertArrayEquals(utf8("genuine"), assertInstanceOf(OmemoDecryption.Message.class,
                bob.messages.decrypt(alice.address(), m)).plaintext());
    }

    @Test
    void encryptingToADeviceWithoutSessionEncryptsForNobody() throws OmemoException {
        alice.sessions.buildSession(bob.address(), bob.keys.bundle());
        byte[] before = alice.sessionRecord(bob);
        assertEquals(OmemoFailure.NO_SESSION, assertThrows(OmemoException.class, () -> alice.messages.encrypt(
                utf8("x"), List.of(bob.address(), alicePhone.address()))).reason());
        assertArrayEquals(before, alice.sessionRecord(bob), "the first recipient's session did not advance");
    }
}
