package im.sotto.protocol.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Clock;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.ratchet.RatchetInit;
import im.sotto.protocol.ratchet.RatchetSession;

import org.junit.jupiter.api.Test;

/**
 * No content under an online handshake's session before the peer's device confirmed it (docs/protocol.md 7.3), read
 * from the stored record alone: a sender restarted between the handshake and the confirmation decodes its record
 * again and must still hold its content back (the mark used to live in memory only, and was lost with the process).
 */
class ContentAfterConfirmationTest {
    private static final CipherSuite SUITE = CipherSuite.X25519_AESGCM_SHA256;
    private static final byte[] AD = {1, 2, 3};
    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();

    private SecretBytes random32() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return SecretBytes.copyOf(b);
    }

    @Test
    void anOnlineInitiatorsSessionCarriesContentOnlyOnceItsPeerSentUnderIt() throws Exception {
        SecretBytes root = random32();
        SecretBytes headerA = random32();
        SecretBytes headerB = random32();
        X25519KeyPair responderKey = X25519KeyPair.generate(random);
        RatchetSession initiator = RatchetSession.initiator(SUITE, root, responderKey.publicKey(), headerA, headerB,
                random, clock);
        RatchetSession responder = RatchetSession.start(RatchetInit.forResponder(SUITE, root, responderKey, headerB,
                headerA), random, clock);

        // The initiator's empty first message (it travels with handshake message 3) does not confirm anything.
        byte[] opening = initiator.encrypt(new byte[0], AD);
        SessionRecord stored = SessionRecord.builder(SessionOrigin.ONLINE_HANDSHAKE, initiator.toRecord()).build();
        SessionRecord afterRestart = SessionRecord.decode(stored.encode());
        assertTrue(afterRestart.ratchetSession(random, clock).canEncrypt(), "the ratchet could encrypt");
        assertFalse(afterRestart.carriesContent(afterRestart.ratchetSession(random, clock)),
                "but nothing of the user's goes out before the confirmation, restart or not");

        // The responder opens it, and confirms with an empty message of its own.
        responder.decrypt(opening, AD);
        SessionRecord responderRecord = SessionRecord.builder(SessionOrigin.ONLINE_HANDSHAKE, responder.toRecord())
                .build();
        assertTrue(responderRecord.carriesContent(responder), "the responder heard from the initiator");
        byte[] confirmation = responder.encrypt(new byte[0], AD);

        RatchetSession restarted = afterRestart.ratchetSession(random, clock);
        restarted.decrypt(confirmation, AD);
        SessionRecord confirmed = SessionRecord.decode(afterRestart.withRatchet(restarted.toRecord()).encode());
        assertTrue(confirmed.carriesContent(confirmed.ratchetSession(random, clock)), "confirmed: content may go");
    }

    @Test
    void anOfflineFirstMessagesSessionCarriesContentAtOnce() throws Exception {
        X25519KeyPair responderKey = X25519KeyPair.generate(random);
        RatchetSession sender = RatchetSession.initiator(SUITE, random32(), responderKey.publicKey(), random32(),
                random32(), random, clock);
        SessionRecord record = SessionRecord.builder(SessionOrigin.OFFLINE_FIRST_MESSAGE, sender.toRecord()).build();
        assertTrue(record.carriesContent(sender), "the first message itself carries content (section 6.3)");
    }

    @Test
    void aRecordTellsItsSuiteWithoutItsRatchetAndRefusesAnUnknownOne() throws Exception {
        for (CipherSuite suite : CipherSuite.values()) {
            RatchetSession sender = RatchetSession.initiator(suite, random32(),
                    X25519KeyPair.generate(random).publicKey(), random32(), random32(), random, clock);
            SessionRecord record = SessionRecord.builder(SessionOrigin.OFFLINE_FIRST_MESSAGE, sender.toRecord())
                    .build();
            assertEquals(suite, SessionRecord.decode(record.encode()).suite());
        }
        SessionRecord unreadable = SessionRecord.builder(SessionOrigin.OFFLINE_FIRST_MESSAGE, new byte[1]).build();
        assertThrows(IllegalStateException.class, unreadable::suite, "a status display never guesses a suite");
    }
}
