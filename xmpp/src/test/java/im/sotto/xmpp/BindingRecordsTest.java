package im.sotto.xmpp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Clock;

import im.sotto.protocol.store.InMemoryAccountStore;

import org.junit.jupiter.api.Test;

/**
 * The binding's own records, without a server. The session layer's records are tested in the core
 * ({@code im.sotto.protocol.session.SessionLayerRecordsTest}).
 */
class BindingRecordsTest {
    private final SecureRandom random = new SecureRandom();

    @Test
    void accountReopensWithTheSameIdentityFromItsStore() {
        InMemoryAccountStore store = new InMemoryAccountStore();
        SottoAccount first = SottoAccount.open(store, random, Clock.systemUTC());
        SottoAccount again = SottoAccount.open(store, random, Clock.systemUTC());
        assertEquals(first.fingerprint(), again.fingerprint());
        assertEquals(first.device().deviceId(), again.device().deviceId());
        assertArrayEquals(first.device().certificate().encoded(), again.device().certificate().encoded());
        assertTrue(first.device().deviceId() <= Integer.MAX_VALUE, "fits the device list");
    }
}
