package im.sotto.xmpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Clock;

import im.sotto.protocol.session.HandshakeFailure;
import im.sotto.protocol.store.InMemoryAccountStore;

import org.junit.jupiter.api.Test;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

class OnlineHandshakesTest {
    /**
     * A reply or finish (0x11, 0x12, 0x13) reaching a device with no handshake in flight with its sender: what a
     * restarted process or a timed-out attempt sees. Reported as stale, not as tampering, answered with nothing, and
     * nothing is stored.
     */
    @Test
    void aStepForNoHandshakeInFlightIsStaleNotTampered() throws Exception {
        InMemoryAccountStore store = new InMemoryAccountStore();
        SottoAccount account = SottoAccount.open(store, new SecureRandom(), Clock.systemUTC());
        OnlineHandshakes handshakes = new OnlineHandshakes(account, event -> { });
        Jid alice = JidCreate.from("alice@example.org/phone");
        Jid bob = JidCreate.from("bob@example.org/laptop");
        for (int type : new int[] {0x11, 0x12, 0x13}) {
            byte[] payload = new byte[96];
            new SecureRandom().nextBytes(payload);
            payload[0] = 1;
            payload[1] = (byte) type;
            OnlineHandshakes.Step step = handshakes.receive(alice, bob, payload);
            OnlineHandshakes.Failed failed = HandshakeSteps.failed(step).orElseThrow();
            assertEquals(HandshakeFailure.STALE, failed.failure(), failed.describe());
            assertTrue(HandshakeSteps.reply(step).isEmpty() && HandshakeSteps.established(step).isEmpty());
        }
        int sessions = store.transact(s -> s.sessions().addresses().size());
        assertEquals(0, sessions);
    }
}
