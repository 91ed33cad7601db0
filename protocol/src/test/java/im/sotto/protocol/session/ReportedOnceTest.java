package im.sotto.protocol.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.protocol.trust.BareJid;

import org.junit.jupiter.api.Test;

/** An undecryptable stanza read again (a later run's catch-up) is reported once; every other stanza still is. */
class ReportedOnceTest {
    private static final Instant T0 = Instant.parse("2026-12-07T19:00:00Z");

    @Test
    void theSameStanzaReadAgainIsNotReportedAgainAnotherIs() {
        InMemoryAccountStore store = new InMemoryAccountStore();
        BareJid carol = BareJid.parse("carol@example.org");
        BareJid dave = BareJid.parse("dave@example.org");
        byte[] junk = new byte[200];
        new SecureRandom().nextBytes(junk);
        byte[] other = junk.clone();
        other[199] ^= 1;

        assertTrue(first(store, carol, List.of(junk), T0));
        // A later run, within the day: the same ciphertexts from the same account.
        assertFalse(first(store, carol, List.of(junk.clone()),
                T0.plusSeconds(20)));
        assertTrue(first(store, carol, List.of(other), T0), "another stanza");
        assertTrue(first(store, dave, List.of(junk), T0), "another sender");
        // The elements' boundaries count: [a, b] is not [ab].
        byte[] a = {1, 2};
        byte[] b = {3};
        assertTrue(first(store, carol, List.of(a, b), T0));
        assertTrue(first(store, carol, List.of(new byte[] {1, 2, 3}), T0));
    }

    @Test
    void aReportIsRememberedForTheDayAfterIt() {
        InMemoryAccountStore store = new InMemoryAccountStore();
        BareJid carol = BareJid.parse("carol@example.org");
        first(store, carol, List.of(new byte[] {9}), T0);
        store.transact(s -> s.replayCache().purgeExpired(T0.plus(ReportedOnce.REMEMBERED_FOR).minusSeconds(1)));
        assertFalse(first(store, carol, List.of(new byte[] {9}), T0));
        store.transact(s -> s.replayCache().purgeExpired(T0.plus(ReportedOnce.REMEMBERED_FOR).plusSeconds(1)));
        assertTrue(first(store, carol, List.of(new byte[] {9}), T0));
    }

    private static boolean first(InMemoryAccountStore store, BareJid sender, List<byte[]> ciphertexts, Instant now) {
        return store.transact(s -> ReportedOnce.firstReport(s, sender, ciphertexts, now));
    }
}
