package im.sotto.xmpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

class HandshakeRateLimitTest {
    private static final BareJid CAROL = JidCreate.bareFromOrThrowUnchecked("carol@example.org");
    private static final BareJid ALICE = JidCreate.bareFromOrThrowUnchecked("alice@example.org");
    private static final Instant T0 = Instant.parse("2026-11-26T08:00:00Z");

    @Test
    void aBurstIsAllowedThenOnePerRefillIntervalPerAccount() {
        HandshakeRateLimit limit = new HandshakeRateLimit();
        int allowed = 0;
        for (int i = 0; i < 1000; i++) {
            if (limit.tryAcquire(CAROL, T0)) {
                allowed++;
            }
        }
        assertEquals(HandshakeRateLimit.BURST, allowed, "a flood at one instant gets the burst only");
        assertTrue(limit.tryAcquire(ALICE, T0), "another account is not affected");
        assertFalse(limit.tryAcquire(CAROL, T0.plus(HandshakeRateLimit.REFILL_INTERVAL.dividedBy(2))));
        assertTrue(limit.tryAcquire(CAROL, T0.plus(HandshakeRateLimit.REFILL_INTERVAL)), "one more per interval");
        assertFalse(limit.tryAcquire(CAROL, T0.plus(HandshakeRateLimit.REFILL_INTERVAL)));
    }

    @Test
    void aQuietAccountGetsItsBurstBackButNoMore() {
        HandshakeRateLimit limit = new HandshakeRateLimit();
        for (int i = 0; i < HandshakeRateLimit.BURST; i++) {
            assertTrue(limit.tryAcquire(CAROL, T0));
        }
        Instant later = T0.plus(HandshakeRateLimit.REFILL_INTERVAL.multipliedBy(1000));
        int allowed = 0;
        for (int i = 0; i < 100; i++) {
            if (limit.tryAcquire(CAROL, later)) {
                allowed++;
            }
        }
        assertEquals(HandshakeRateLimit.BURST, allowed);
    }

    @Test
    void aClockThatGoesBackGrantsNothingExtra() {
        HandshakeRateLimit limit = new HandshakeRateLimit();
        for (int i = 0; i < HandshakeRateLimit.BURST; i++) {
            limit.tryAcquire(CAROL, T0);
        }
        assertFalse(limit.tryAcquire(CAROL, T0.minusSeconds(3600)));
    }
}
