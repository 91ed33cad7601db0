package im.sotto.protocol.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.protocol.trust.BareJid;

import org.junit.jupiter.api.Test;

/**
 * A message sent again under a new session is shown once, whichever copy arrives first; an ordinary message whose id
 * was seen before is still shown (docs/protocol.md 7.3, "Sent again under the new session").
 */
class DeliveredOnceTest {
    private static final Instant T0 = Instant.parse("2026-12-07T23:00:00Z");
    private static final BareJid ALICE = BareJid.parse("alice@example.org");
    private static final BareJid CAROL = BareJid.parse("carol@example.org");

    private final InMemoryAccountStore store = new InMemoryAccountStore();

    private boolean deliver(BareJid sender, String id, boolean resent) {
        return store.transact(s -> DeliveredOnce.deliver(s, sender, id, resent, T0));
    }

    @Test
    void aCopyOfAMessageShownBeforeIsNotShown() {
        assertTrue(deliver(ALICE, "m1", false));
        assertFalse(deliver(ALICE, "m1", true), "the copy sent again");
        assertFalse(deliver(ALICE, "m1", true), "nor a second copy");
        assertTrue(deliver(CAROL, "m1", true), "another sender's id is another message");
    }

    @Test
    void theOriginalArrivingAfterItsCopyIsNotShown() {
        assertTrue(deliver(ALICE, "m2", true), "the original never arrived: the copy is shown");
        assertFalse(deliver(ALICE, "m2", false), "the original, late under the replaced session");
    }

    @Test
    void anOrdinaryMessageWithAnIdSeenBeforeIsShown() {
        assertTrue(deliver(ALICE, "m3", false));
        assertTrue(deliver(ALICE, "m3", false), "an application reusing ids loses nothing");
    }

    @Test
    void rememberedForTheLifetimeOfAReplacedSession() {
        assertTrue(deliver(ALICE, "m4", false));
        store.transact(s -> s.replayCache().purgeExpired(T0.plus(DeliveredOnce.REMEMBERED_FOR).minusSeconds(1)));
        assertFalse(deliver(ALICE, "m4", true));
    }
}
