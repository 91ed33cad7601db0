package im.sotto.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.omemo.EncryptedKey;
import im.sotto.protocol.omemo.KeyDecryption;
import im.sotto.protocol.omemo.OmemoFailure;
import im.sotto.protocol.store.SessionAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.whispersystems.libsignal.DuplicateMessageException;
import org.whispersystems.libsignal.SignalProtocolAddress;
import org.whispersystems.libsignal.protocol.CiphertextMessage;

/**
 * Sotto's OMEMO 0.3 session layer against signal-protocol-java 2.8.1: sessions started from either side, prekey and
 * normal messages both ways, messages out of order and replayed. Every byte string crossing here is what the
 * other library produced or must accept, so a difference in key derivation, message encoding, MAC or signature
 * fails a decryption.
 */
class SignalProtocolJavaInteropTest {
    private static final String SOTTO_JID = "sotto@example.org";
    private static final String SIGNAL_JID = "conversations@example.org";

    private final SottoDevice sotto = new SottoDevice();
    private final SignalPeer signal;
    private final SessionAddress signalAtSotto;
    private final SignalProtocolAddress sottoAtSignal;

    SignalProtocolJavaInteropTest() throws Exception {
        signal = new SignalPeer();
        signalAtSotto = new SessionAddress(SIGNAL_JID, signal.deviceId);
        sottoAtSignal = new SignalProtocolAddress(SOTTO_JID, sotto.keys.deviceId());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] sottoDecrypts(CiphertextMessage m) {
        boolean preKey = m.getType() == CiphertextMessage.PREKEY_TYPE;
        KeyDecryption result = sotto.sessions.decrypt(signalAtSotto,
                new EncryptedKey(sotto.keys.deviceId(), preKey, m.serialize()));
        return assertInstanceOf(KeyDecryption.Decrypted.class, result, () -> "Sotto refused: " + result)
                .keyMaterial();
    }

    private OmemoFailure sottoRefuses(CiphertextMessage m) {
        boolean preKey = m.getType() == CiphertextMessage.PREKEY_TYPE;
        KeyDecryption result = sotto.sessions.decrypt(signalAtSotto,
                new EncryptedKey(sotto.keys.deviceId(), preKey, m.serialize()));
        return assertInstanceOf(KeyDecryption.Failed.class, result).reason();
    }

    private byte[] signalDecrypts(EncryptedKey k) throws Exception {
        return signal.decrypt(sottoAtSignal, k.data(), k.preKey());
    }

    @Test
    void sottoStartsFromASignalBundleAndBothSidesTalk() throws Exception {
        sotto.sessions.buildSession(signalAtSotto, signal.bundleForSotto());

        EncryptedKey first = sotto.sessions.encrypt(signalAtSotto, bytes("first"));
        EncryptedKey second = sotto.sessions.encrypt(signalAtSotto, bytes("second"));
        assertTrue(first.preKey() && second.preKey(), "prekey messages until the peer answers");
        assertArrayEquals(bytes("first"), signalDecrypts(first));
        assertArrayEquals(bytes("second"), signalDecrypts(second));

        CiphertextMessage reply = signal.encrypt(sottoAtSignal, bytes("reply"));
        assertEquals(CiphertextMessage.WHISPER_TYPE, reply.getType());
        assertArrayEquals(bytes("reply"), sottoDecrypts(reply));

        EncryptedKey afterReply = sotto.sessions.encrypt(signalAtSotto, bytes("after reply"));
        assertFalse(afterReply.preKey(), "the answer ends the prekey messages");
        assertArrayEquals(bytes("after reply"), signalDecrypts(afterReply));
        conversation(6);
    }

    @Test
    void signalStartsFromSottosBundleAndBothSidesTalk() throws Exception {
        int preKeysBefore = sotto.keys.bundle().preKeys().size();
        signal.buildSessionFrom(sottoAtSignal, sotto.keys.bundle());

        CiphertextMessage first = signal.encrypt(sottoAtSignal, bytes("hello from signal"));
        assertEquals(CiphertextMessage.PREKEY_TYPE, first.getType());
        KeyDecryption.Decrypted opened = assertInstanceOf(KeyDecryption.Decrypted.class,
                sotto.sessions.decrypt(signalAtSotto, new EncryptedKey(sotto.keys.deviceId(), true,
                        first.serialize())));
        assertArrayEquals(bytes("hello from signal"), opened.keyMaterial());
        assertTrue(opened.sessionCreated());
        int used = sotto.keys.bundle().preKeys().size();
        assertEquals(preKeysBefore - 1, used, "the one-time prekey is used up");
        assertTrue(opened.consumedPreKeyId().isPresent());
        assertEquals(signal.identity.getPublicKey().serialize().length, 33);
        assertArrayEquals(signal.identity.getPublicKey().serialize(), opened.senderIdentity().serialized());

        // signal-protocol-java repeats the prekey form until answered; the repeat belongs to the same session.
        CiphertextMessage again = signal.encrypt(sottoAtSignal, bytes("still unanswered"));
        assertEquals(CiphertextMessage.PREKEY_TYPE, again.getType());
        KeyDecryption.Decrypted repeat = assertInstanceOf(KeyDecryption.Decrypted.class,
                sotto.sessions.decrypt(signalAtSotto, new EncryptedKey(sotto.keys.deviceId(), true,
                        again.serialize())));
        assertFalse(repeat.sessionCreated());
        assertEquals(OptionalInt.empty(), repeat.consumedPreKeyId());

        EncryptedKey reply = sotto.sessions.encrypt(signalAtSotto, bytes("answer"));
        assertFalse(reply.preKey(), "the responder never sends prekey messages");
        assertArrayEquals(bytes("answer"), signalDecrypts(reply));
        CiphertextMessage normal = signal.encrypt(sottoAtSignal, bytes("now normal"));
        assertEquals(CiphertextMessage.WHISPER_TYPE, normal.getType());
        assertArrayEquals(bytes("now normal"), sottoDecrypts(normal));

        assertEquals(OmemoFailure.DUPLICATE, sottoRefuses(first), "a replayed first message");
        conversation(6);
    }

    /** Several rounds both ways, each with messages delivered out of order and one delivered twice. */
    private void conversation(int rounds) throws Exception {
        for (int round = 0; round < rounds; round++) {
            List<CiphertextMessage> fromSignal = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                fromSignal.add(signal.encrypt(sottoAtSignal, bytes("signal " + round + "." + i)));
            }
            int[] order = {2, 0, 3, 1};
            for (int i : order) {
                assertArrayEquals(bytes("signal " + round + "." + i), sottoDecrypts(fromSignal.get(i)));
            }
            assertEquals(OmemoFailure.DUPLICATE, sottoRefuses(fromSignal.get(order[round % 4])));

            List<EncryptedKey> fromSotto = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                fromSotto.add(sotto.sessions.encrypt(signalAtSotto, bytes("sotto " + round + "." + i)));
            }
            for (int i : new int[] {3, 1, 0, 2}) {
                assertArrayEquals(bytes("sotto " + round + "." + i), signalDecrypts(fromSotto.get(i)));
            }
            EncryptedKey replayed = fromSotto.get(round % 4);
            assertThrows(DuplicateMessageException.class, () -> signalDecrypts(replayed));
        }
    }

    @Test
    void aMessageHeldBackAcrossSeveralRatchetStepsStillDecrypts() throws Exception {
        sotto.sessions.buildSession(signalAtSotto, signal.bundleForSotto());
        assertArrayEquals(bytes("open"), signalDecrypts(sotto.sessions.encrypt(signalAtSotto, bytes("open"))));
        CiphertextMessage late = signal.encrypt(sottoAtSignal, bytes("late"));
        CiphertextMessage onTime = signal.encrypt(sottoAtSignal, bytes("on time"));
        assertArrayEquals(bytes("on time"), sottoDecrypts(onTime));
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(bytes("ping"), signalDecrypts(sotto.sessions.encrypt(signalAtSotto, bytes("ping"))));
            assertArrayEquals(bytes("pong"), sottoDecrypts(signal.encrypt(sottoAtSignal, bytes("pong"))));
        }
        assertArrayEquals(bytes("late"), sottoDecrypts(late), "from a receiving chain three steps back");

        EncryptedKey sottoLate = sotto.sessions.encrypt(signalAtSotto, bytes("sotto late"));
        assertArrayEquals(bytes("x"), signalDecrypts(sotto.sessions.encrypt(signalAtSotto, bytes("x"))));
        assertArrayEquals(bytes("y"), sottoDecrypts(signal.encrypt(sottoAtSignal, bytes("y"))));
        assertArrayEquals(bytes("z"), signalDecrypts(sotto.sessions.encrypt(signalAtSotto, bytes("z"))));
        assertArrayEquals(bytes("sotto late"), signalDecrypts(sottoLate));
    }

    @Test
    void aTamperedSignalMessageIsRefusedWithoutChangingTheSession() throws Exception {
        sotto.sessions.buildSession(signalAtSotto, signal.bundleForSotto());
        signalDecrypts(sotto.sessions.encrypt(signalAtSotto, bytes("open")));
        CiphertextMessage m = signal.encrypt(sottoAtSignal, bytes("genuine"));
        byte[] before = sotto.store.load(signalAtSotto).orElseThrow();
        byte[] tampered = m.serialize().clone(); // serialize() returns the message's own array
        tampered[tampered.length - 12] ^= 1; // in the ciphertext, before the 8-byte MAC
        KeyDecryption result = sotto.sessions.decrypt(signalAtSotto,
                new EncryptedKey(sotto.keys.deviceId(), false, tampered));
        assertEquals(new KeyDecryption.Failed(OmemoFailure.BAD_MAC), result);
        assertArrayEquals(before, sotto.store.load(signalAtSotto).orElseThrow());
        assertArrayEquals(bytes("genuine"), sottoDecrypts(m));
    }
}
