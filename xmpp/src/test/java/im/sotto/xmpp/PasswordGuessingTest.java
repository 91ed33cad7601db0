package im.sotto.xmpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import im.sotto.protocol.pake.PasswordAttempts;
import im.sotto.protocol.session.HandshakeFailedException;
import im.sotto.protocol.session.HandshakeFailure;
import im.sotto.protocol.store.InMemoryAccountStore;

import org.junit.jupiter.api.Test;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * An attacker who can send handshakes in a contact's name (its server, or anyone holding its account) guesses the
 * password agreed with that contact, one CPace run per handshake. Bob's binding counts the failures per contact:
 * the waits grow, handshakes during a wait are refused before CPace runs, and the user is told.
 */
class PasswordGuessingTest {
    private final StepClock clock = new StepClock();
    private final Jid alice = JidCreate.fromOrThrowUnchecked("alice@example.org/phone");
    private final Jid bob = JidCreate.fromOrThrowUnchecked("bob@example.org/laptop");
    private final List<SecurityEvent> bobEvents = new ArrayList<>();
    private final SottoAccount aliceAccount = SottoAccount.open(new InMemoryAccountStore(), new SecureRandom(), clock);
    private final OnlineHandshakes bobSide = new OnlineHandshakes(
            SottoAccount.open(new InMemoryAccountStore(), new SecureRandom(), clock), bobEvents::add, peer -> true);

    PasswordGuessingTest() {
        bobSide.setPassword(alice.asBareJid(), utf8("correct horse"));
    }

    @Test
    void twentyWrongGuessesEarnGrowingWaitsAreRefusedWithoutCPaceAndReported() throws Exception {
        List<Duration> waits = new ArrayList<>();
        int refusedDuringWait = 0;
        for (int guess = 1; guess <= 20; guess++) {
            Optional<Instant> wait = bobSide.passwordGuard.refusedUntil(alice.asBareJid(), clock.instant());
            if (wait.isPresent()) {
                // The last guess's responder still waits for a message 3 that never comes: let it go, so that a
                // responder in flight afterwards can only be one made for the refused guess.
                bobSide.abandon(alice);
                OnlineHandshakes.Step refused = bobSide.receive(alice, bob, guesser("guess " + guess).start(bob,
                        Optional.empty()));
                OnlineHandshakes.Failed failed = HandshakeSteps.failed(refused).orElseThrow();
                assertEquals(HandshakeFailure.PASSWORD_BACKOFF, failed.failure(), failed.describe());
                assertTrue(HandshakeSteps.reply(refused).isEmpty(), "nothing answered: no CPace share, no confirmation to test");
                assertFalse(bobSide.inFlight(alice), "no responder was made, so CPace never ran");
                refusedDuringWait++;
                clock.set(wait.get());
            }
            Instant at = clock.instant();
            OnlineHandshakes attacker = guesser("guess " + guess);
            OnlineHandshakes.Step answer = bobSide.receive(alice, bob, attacker.start(bob, Optional.empty()));
            assertTrue(HandshakeSteps.reply(answer).isPresent(), "guess " + guess + " runs once the wait is over");
            OnlineHandshakes.Step verdict = attacker.receive(bob, alice, HandshakeSteps.reply(answer).get());
            assertEquals(HandshakeFailure.PASSWORD_MISMATCH, HandshakeSteps.failed(verdict).orElseThrow().failure(),
                    "the guess was wrong");
            waits.add(bobSide.passwordGuard.refusedUntil(alice.asBareJid(), at)
                    .map(until -> Duration.between(at, until)).orElse(Duration.ZERO));
        }
        assertEquals(Duration.ZERO, waits.get(PasswordAttempts.FREE_FAILURES - 1));
        assertEquals(PasswordAttempts.BACKOFF_BASE, waits.get(PasswordAttempts.FREE_FAILURES));
        for (int i = 1; i < waits.size(); i++) {
            assertTrue(waits.get(i).compareTo(waits.get(i - 1)) >= 0, "the wait grows: " + waits);
        }
        assertEquals(PasswordAttempts.BACKOFF_CAP, waits.get(19));
        assertEquals(20 - PasswordAttempts.FREE_FAILURES - 1, refusedDuringWait, "every guess after the 4th waited");

        List<Integer> reported = bobEvents.stream().filter(e -> e instanceof SecurityEvent.PasswordGuessing)
                .map(e -> ((SecurityEvent.PasswordGuessing) e).failures()).toList();
        assertEquals(List.of(5, 10, 15, 20), reported);
        assertEquals(alice.asBareJid(), bobEvents.stream().filter(e -> e instanceof SecurityEvent.PasswordGuessing)
                .findFirst().orElseThrow().peer());
    }

    @Test
    void theRightPasswordAfterTheWaitStillGivesASessionAndClearsTheCount() throws Exception {
        for (int guess = 1; guess <= 20; guess++) {
            OnlineHandshakes attacker = guesser("guess " + guess);
            bobSide.passwordGuard.refusedUntil(alice.asBareJid(), clock.instant()).ifPresent(clock::set);
            OnlineHandshakes.Step answer = bobSide.receive(alice, bob, attacker.start(bob, Optional.empty()));
            attacker.receive(bob, alice, HandshakeSteps.reply(answer).orElseThrow());
        }
        Instant waitEnd = bobSide.passwordGuard.refusedUntil(alice.asBareJid(), clock.instant()).orElseThrow();
        clock.set(waitEnd);

        OnlineHandshakes honest = new OnlineHandshakes(aliceAccount, event -> { }, peer -> true);
        honest.setPassword(bob.asBareJid(), utf8("correct horse"));
        OnlineHandshakes.Step answer = bobSide.receive(alice, bob, honest.start(bob, Optional.empty()));
        OnlineHandshakes.Step finish = honest.receive(bob, alice, HandshakeSteps.reply(answer).orElseThrow());
        assertTrue(HandshakeSteps.established(finish).orElseThrow().passwordChecked());
        OnlineHandshakes.Step done = bobSide.receive(alice, bob, HandshakeSteps.reply(finish).orElseThrow());
        assertTrue(HandshakeSteps.established(done).orElseThrow().passwordChecked(), () -> "bob: " + done);
        assertTrue(bobSide.passwordGuard.refusedUntil(alice.asBareJid(), clock.instant()).isEmpty());

        // The count started again: the next wrong guess is free, not another hour.
        OnlineHandshakes attacker = guesser("after success");
        attacker.receive(bob, alice, HandshakeSteps.reply(bobSide.receive(alice, bob,
                attacker.start(bob, Optional.empty()))).orElseThrow());
        assertTrue(bobSide.passwordGuard.refusedUntil(alice.asBareJid(), clock.instant()).isEmpty());
    }

    /**
     * The initiator's side of the count: whoever answers alice's password handshakes gets one guess per handshake she
     * starts, so during her wait she starts none, and says why with a typed failure (not a text to sort).
     */
    @Test
    void anInitiatorInItsPasswordWaitStartsNoHandshake() throws Exception {
        OnlineHandshakes aliceSide = new OnlineHandshakes(aliceAccount, event -> { }, peer -> true);
        aliceSide.setPassword(bob.asBareJid(), utf8("correct horse"));
        for (int i = 0; i <= PasswordAttempts.FREE_FAILURES; i++) {
            aliceSide.passwordGuard.failed(bob.asBareJid(), clock.instant());
        }
        Instant waitEnd = aliceSide.passwordGuard.refusedUntil(bob.asBareJid(), clock.instant()).orElseThrow();
        HandshakeFailedException refused = assertThrows(HandshakeFailedException.class,
                () -> aliceSide.start(bob, Optional.empty()));
        assertEquals(HandshakeFailure.PASSWORD_BACKOFF, refused.failure());
        assertTrue(refused.getMessage().contains("none before " + waitEnd), refused.getMessage());

        clock.set(waitEnd);
        assertTrue(aliceSide.start(bob, Optional.empty()).length > 0, "after the wait she opens one again");
    }

    /** A fresh attacker per guess, in alice's name, who keeps no count of its own failures. */
    private OnlineHandshakes guesser(String guess) {
        OnlineHandshakes attacker = new OnlineHandshakes(aliceAccount, event -> { }, peer -> true);
        attacker.setPassword(bob.asBareJid(), utf8(guess));
        return attacker;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The system clock at first, then wherever the test sets it; it never goes back. */
    private static final class StepClock extends Clock {
        private Instant now = Instant.now();

        void set(Instant to) {
            if (to.isAfter(now)) {
                now = to;
            }
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
