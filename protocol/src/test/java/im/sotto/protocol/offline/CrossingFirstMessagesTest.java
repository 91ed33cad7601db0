package im.sotto.protocol.offline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import im.sotto.protocol.ratchet.DecryptResult;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.session.CrossingFirstMessages;
import im.sotto.protocol.session.CrossingFirstMessages.Outcome;
import im.sotto.protocol.session.PreviousSessions;
import im.sotto.protocol.session.SessionOrigin;
import im.sotto.protocol.session.SessionRecord;
import im.sotto.protocol.testing.DeterministicRandom;
import org.junit.jupiter.api.Test;

/**
 * Two devices that start offline sessions with each other at once (docs/protocol.md 7.9): each sends a first message
 * and sends content under its session before it reads the other's. Both then decide alike, so they end up with one
 * session both use; nothing either sent is lost. The same scenario with "the arriving first message always
 * replaces" (the behaviour before) leaves each device sending under a session the other holds only as replaced.
 */
class CrossingFirstMessagesTest {
    private static final byte[] AD_AB = utf8("phone -> laptop");
    private static final byte[] AD_BA = utf8("laptop -> phone");
    private final DeterministicRandom random = new DeterministicRandom("crossing");
    private final OfflineParty.MovableClock clock = new OfflineParty.MovableClock();

    /** One device's side: its party, its unanswered first message and the record it stored for the other. */
    private final class Side {
        final OfflineParty party = new OfflineParty(random, clock);
        OutgoingFirstMessage sent;
        SessionRecord stored;

        void writeFirst(Side to, byte[] ad) throws Exception {
            sent = party.sender().send(to.party.publishedBundle(), RecipientKnowledge.unknown(), utf8("setup"), ad);
            stored = SessionRecord.builder(SessionOrigin.OFFLINE_FIRST_MESSAGE, sent.session().toRecord())
                    .pendingConfirmation(sent.pendingConfirmation().encode()).build();
        }

        /** Content under the current session, stored as the binding does. */
        byte[] send(String text, byte[] ad) {
            RatchetSession session = current();
            byte[] message = session.encrypt(utf8(text), ad);
            stored = stored.withRatchet(session.toRecord());
            return message;
        }

        RatchetSession current() {
            return stored.ratchetSession(random, clock);
        }

        /** Receives the other's first message; {@code tieBreak} false replaces as before the fix. */
        IncomingFirstMessage.Accepted receiveFirst(Side from, byte[] ad, boolean tieBreak) throws Exception {
            IncomingFirstMessage.Accepted in = assertInstanceOf(IncomingFirstMessage.Accepted.class,
                    party.receive(from.sent.message(), ad));
            SessionRecord arrived = SessionRecord.builder(SessionOrigin.OFFLINE_FIRST_MESSAGE,
                    in.session().toRecord()).peerCertificate(in.sender().encoded())
                    .owedReplyTranscript(in.transcriptHash())
                    .firstMessageDigest(MessageDigest.getInstance("SHA-256").digest(from.sent.message())).build();
            Optional<byte[]> before = Optional.of(stored.encode());
            stored = tieBreak ? CrossingFirstMessages.resolve(party.device.certificate(), in.sender(), arrived,
                    before, clock.instant()).record() : arrived.replacing(before, clock.instant());
            return in;
        }

        /** Opens {@code message} under the current session or else a replaced one, as the binding does. */
        Optional<String> open(byte[] message, byte[] ad) {
            DecryptResult r = current().decrypt(message, ad);
            if (r instanceof DecryptResult.Decrypted d) {
                return Optional.of(new String(d.plaintext(), StandardCharsets.UTF_8));
            }
            for (PreviousSessions.Entry e : stored.previous().entries()) {
                DecryptResult old = e.session().ratchetSession(random, clock).decrypt(message, ad);
                if (old instanceof DecryptResult.Decrypted d) {
                    return Optional.of(new String(d.plaintext(), StandardCharsets.UTF_8));
                }
            }
            return Optional.empty();
        }
    }

    @Test
    void bothDevicesConvergeOnTheSessionOfTheLowerDeviceIdAndLoseNothing() throws Exception {
        Side phone = new Side();
        Side laptop = new Side();
        phone.writeFirst(laptop, AD_AB);
        laptop.writeFirst(phone, AD_BA);
        // Each sends content under its own session before it reads the other's first message.
        byte[] fromPhone = phone.send("phone, before reading", AD_AB);
        byte[] fromLaptop = laptop.send("laptop, before reading", AD_BA);

        IncomingFirstMessage.Accepted atPhone = phone.receiveFirst(laptop, AD_BA, true);
        IncomingFirstMessage.Accepted atLaptop = laptop.receiveFirst(phone, AD_AB, true);
        boolean phoneFirst = phone.party.device.deviceId() < laptop.party.device.deviceId();
        Side winner = phoneFirst ? phone : laptop;
        Side loser = phoneFirst ? laptop : phone;
        assertNotEquals(phone.party.device.deviceId(), laptop.party.device.deviceId());
        assertEquals(Outcome.KEEP_OURS, CrossingFirstMessages.decide(winner.party.device.certificate(),
                loser.party.device.certificate(), Optional.of(initiatorRecord(winner))));
        assertEquals(Outcome.TAKE_THEIRS, CrossingFirstMessages.decide(loser.party.device.certificate(),
                winner.party.device.certificate(), Optional.of(initiatorRecord(loser))));

        // What each sent before reading the other's first message still opens on the other side.
        assertEquals(Optional.of("phone, before reading"), laptop.open(fromPhone, AD_AB));
        assertEquals(Optional.of("laptop, before reading"), phone.open(fromLaptop, AD_BA));

        // One session: the winner's current session talks to the loser's current session, both ways.
        byte[] ad = winner == phone ? AD_AB : AD_BA;
        byte[] back = winner == phone ? AD_BA : AD_AB;
        RatchetSession loserCurrent = loser.current();
        DecryptResult got = loserCurrent.decrypt(winner.send("after", ad), ad);
        assertArrayEquals(utf8("after"), assertInstanceOf(DecryptResult.Decrypted.class, got).plaintext(),
                "the loser's current session opens the winner's next message");
        IncomingFirstMessage.Accepted owed = loser == laptop ? atLaptop : atPhone;   // the winner's first message, as the loser read it
        byte[] reply = FirstReply.seal(loserCurrent, loser.party.device, owed.sender(), owed.transcriptHash(),
                utf8("reply"), back);
        FirstReply.Opened confirmed = FirstReply.open(winner.current(), winner.party.device,
                winner.sent.pendingConfirmation(), reply, back, random, clock);
        assertTrue(confirmed.confirmed(), () -> "the winner's session is confirmed: " + confirmed.failure());
        assertArrayEquals(utf8("reply"), confirmed.plaintext());
    }

    @Test
    void withoutTheTieBreakEachSendsUnderASessionTheOtherHoldsOnlyAsReplaced() throws Exception {
        Side phone = new Side();
        Side laptop = new Side();
        phone.writeFirst(laptop, AD_AB);
        laptop.writeFirst(phone, AD_BA);
        phone.receiveFirst(laptop, AD_BA, false);
        laptop.receiveFirst(phone, AD_AB, false);
        // The phone's current session is the laptop's initiator session; the laptop's current is the phone's.
        DecryptResult got = laptop.current().decrypt(phone.send("after", AD_AB), AD_AB);
        assertInstanceOf(DecryptResult.Undecryptable.class, got, "two sessions: the current ones do not match");
    }

    @Test
    void aFirstMessageFromADeviceWeAlreadyTalkToReplacesAsBefore() throws Exception {
        Side phone = new Side();
        Side laptop = new Side();
        phone.writeFirst(laptop, AD_AB);
        SessionRecord answered = phone.stored.confirmed(phone.stored.ratchet(), laptop.party.device.certificate());
        assertEquals(Outcome.TAKE_THEIRS, CrossingFirstMessages.decide(phone.party.device.certificate(),
                laptop.party.device.certificate(), Optional.of(answered)), "answered: no crossing");
        assertEquals(Outcome.TAKE_THEIRS, CrossingFirstMessages.decide(phone.party.device.certificate(),
                laptop.party.device.certificate(), Optional.empty()), "no session: nothing to keep");
    }

    private static SessionRecord initiatorRecord(Side side) {
        return SessionRecord.builder(SessionOrigin.OFFLINE_FIRST_MESSAGE, side.sent.session().toRecord())
                .pendingConfirmation(side.sent.pendingConfirmation().encode()).build();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
