package im.sotto.xmpp;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import im.sotto.protocol.pake.PasswordAttempts;

import org.jxmpp.jid.BareJid;

/**
 * The password guess limit per contact ({@link PasswordAttempts}, docs/protocol.md 4.12), and the
 * {@link SecurityEvent.PasswordGuessing} report. Only contacts with a password agreed are tracked, so it holds at
 * most one entry per password the application set. In memory, like the passwords themselves: a restart gives a
 * guesser {@link PasswordAttempts#FREE_FAILURES} more free guesses, no more. Called from the manager's worker only.
 */
final class PasswordGuard {
    private final Map<BareJid, PasswordAttempts> attempts = new HashMap<>();
    private final Consumer<SecurityEvent> events;

    PasswordGuard(Consumer<SecurityEvent> events) {
        this.events = events;
    }

    /** Present when a password handshake with {@code peer} must be refused at {@code now}, until when. */
    Optional<Instant> refusedUntil(BareJid peer, Instant now) {
        return attempts.getOrDefault(peer, PasswordAttempts.none()).refusedUntil(now);
    }

    /** A guess at {@code peer}'s password was spent (or, answering, may have been); reports when it is due. */
    void failed(BareJid peer, Instant now) {
        PasswordAttempts next = attempts.getOrDefault(peer, PasswordAttempts.none()).failed(now);
        attempts.put(peer, next);
        if (next.alertDue()) {
            events.accept(new SecurityEvent.PasswordGuessing(peer, next.failures(), next.refusedUntil(now)
                    .orElse(now)));
        }
    }

    /** A handshake proved the password: the count starts again. */
    void succeeded(BareJid peer) {
        attempts.remove(peer);
    }

    /** The contact's password was set or cleared: its history no longer applies. */
    void forget(BareJid peer) {
        attempts.remove(peer);
    }
}
