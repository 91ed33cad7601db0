package im.sotto.xmpp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import im.sotto.protocol.store.InMemoryAccountStore;

import org.junit.jupiter.api.Test;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * A device that answered a handshake its contact opened must not start its own with that JID before the contact's
 * next message: {@link OnlineHandshakes#start} replaces the responder, the contact completes on our answer (XX) and
 * stores its session, and we never do (ClientKillIT: bob's own queued message started a handshake while he answered
 * alice's; everything alice then sent was unreadable to him). The driver asks {@link OnlineHandshakes#responding}
 * first and waits.
 */
class ResponderInFlightTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final SottoAccount alice = SottoAccount.open(new InMemoryAccountStore(), new SecureRandom(),
            Clock.systemUTC());
    private final SottoAccount bob = SottoAccount.open(new InMemoryAccountStore(), new SecureRandom(),
            Clock.systemUTC());
    private final OnlineHandshakes alices = new OnlineHandshakes(alice, event -> { }, peer -> true);
    private final OnlineHandshakes bobs = new OnlineHandshakes(bob, event -> { }, peer -> true);
    private final Jid aliceJid;
    private final Jid bobJid;

    ResponderInFlightTest() throws Exception {
        aliceJid = JidCreate.from("alice@example.org/phone");
        bobJid = JidCreate.from("bob@example.org/laptop");
    }

    /** The hazard the driver avoids: starting ours while answering leaves alice with a session bob never stored. */
    @Test
    void startingOursWhileAnsweringTheirsLeavesASessionOnOneSideOnly() throws Exception {
        byte[] message2 = answer(bobs.receive(aliceJid, bobJid, alices.start(bobJid, Optional.empty())));
        assertTrue(bobs.responding(aliceJid, PATIENCE), "bob answered alice's message 1 and waits");
        bobs.start(aliceJid, Optional.empty());   // what the driver did for bob's own queued message
        OnlineHandshakes.Step aliceDone = alices.receive(bobJid, aliceJid, message2);
        OnlineHandshakes.Established established = assertInstanceOf(OnlineHandshakes.Established.class, aliceDone);
        OnlineHandshakes.Step bobsSide = bobs.receive(aliceJid, bobJid, established.reply().orElseThrow());
        assertInstanceOf(OnlineHandshakes.Failed.class, bobsSide, "message 3 finds bob's own initiator");
    }

    /** Waiting for it instead: message 3 completes bob's side too, and then nothing is in flight any more. */
    @Test
    void waitingForTheAnsweredHandshakeCompletesBothSides() throws Exception {
        byte[] message2 = answer(bobs.receive(aliceJid, bobJid, alices.start(bobJid, Optional.empty())));
        assertTrue(bobs.responding(aliceJid, PATIENCE));
        assertFalse(bobs.responding(aliceJid, Duration.ZERO), "a stalled answer stops holding ours back");
        assertFalse(alices.responding(bobJid, PATIENCE), "alice initiates; she answers nothing");
        OnlineHandshakes.Established aliceDone = assertInstanceOf(OnlineHandshakes.Established.class,
                alices.receive(bobJid, aliceJid, message2));
        assertInstanceOf(OnlineHandshakes.Established.class,
                bobs.receive(aliceJid, bobJid, aliceDone.reply().orElseThrow()));
        assertFalse(bobs.responding(aliceJid, PATIENCE), "completed: bob may start his own again");
    }

    private static byte[] answer(OnlineHandshakes.Step step) {
        return assertInstanceOf(OnlineHandshakes.Reply.class, step).message();
    }
}
