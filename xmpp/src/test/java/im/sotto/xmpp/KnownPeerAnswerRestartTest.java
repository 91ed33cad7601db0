package im.sotto.xmpp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import im.sotto.protocol.trust.Continuity;
import im.sotto.protocol.ratchet.DecryptResult;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.session.HandshakeFailure;
import im.sotto.protocol.session.RetainedSecretRecord;
import im.sotto.protocol.session.SessionRecord;
import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.protocol.store.SessionAddress;

import org.junit.jupiter.api.Test;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * The known-peer answer that waits for liveness (docs/protocol.md 4.6) survives a restart of the responder: bob
 * answers alice's IK message 1 and dies before her first ratchet message; the process that comes back (a new
 * {@link OnlineHandshakes} on the same store, nothing in memory) still commits the session when that message
 * arrives, and reads it. Before the answer was stored, the restarted bob had no such session and what alice sent
 * under it was lost. A replay of the same message 1 to a restarted bob is answered, stored as unconfirmed and changes
 * neither the live session nor the retained secrets.
 */
class KnownPeerAnswerRestartTest {
    private static final byte[] AD = "alice -> bob".getBytes(StandardCharsets.US_ASCII);

    private final SecureRandom random = new SecureRandom();
    private final InMemoryAccountStore aliceStore = new InMemoryAccountStore();
    private final InMemoryAccountStore bobStore = new InMemoryAccountStore();
    private final SottoAccount aliceAccount = SottoAccount.open(aliceStore, random, Clock.systemUTC());
    private final SottoAccount bobAccount = SottoAccount.open(bobStore, random, Clock.systemUTC());
    private final Jid alice = jid("alice@example.org/phone");
    private final Jid bob = jid("bob@example.org/laptop");
    private final OnlineHandshakes aliceSide = new OnlineHandshakes(aliceAccount, event -> { }, peer -> true);

    @Test
    void anAnswerStoredBeforeARestartIsConfirmedByTheFirstRatchetMessageAfterIt() throws Exception {
        fullHandshake(new OnlineHandshakes(bobAccount, event -> { }, peer -> true));
        byte[] oldSession = bobSession();
        byte[] oldSecrets = bobSecrets();

        OnlineHandshakes bobBeforeKill = new OnlineHandshakes(bobAccount, event -> { }, peer -> true);
        byte[] ik1 = aliceSide.start(bob, Optional.empty());
        assertEquals(0x16, ik1[1] & 0xff, "alice knows bob's device: the known-peer mode");
        OnlineHandshakes.Step answer = bobBeforeKill.receive(alice, bob, ik1);
        assertTrue(answer instanceof OnlineHandshakes.Reply, "answered, not committed");
        assertArrayEquals(oldSession, bobSession(), "the live session is untouched until liveness");
        assertArrayEquals(oldSecrets, bobSecrets(), "so are the retained secrets");

        // SIGKILL: bob's memory is gone; a new process opens the same store.
        OnlineHandshakes bobAfterRestart = new OnlineHandshakes(SottoAccount.open(bobStore, random,
                Clock.systemUTC()), event -> { }, peer -> true);
        OnlineHandshakes.Step done = aliceSide.receive(bob, alice, reply(answer));
        assertTrue(done instanceof OnlineHandshakes.Established, "alice committed the IK session");
        byte[] first = aliceSession().encrypt("first".getBytes(StandardCharsets.US_ASCII), AD);

        assertTrue(bobAfterRestart.awaitingLiveness(alice.asBareJid()).isPresent(), "the answer survived");
        OnlineHandshakes.NewSession confirmed = bobAfterRestart.confirmLiveness(alice.asBareJid(), List.of(first),
                AD).orElseThrow(() -> new AssertionError("the restarted bob lost the answer"));
        assertEquals(Continuity.CONFIRMED, confirmed.continuity());
        assertFalse(bobAfterRestart.awaitingLiveness(alice.asBareJid()).isPresent(), "promoted, not kept twice");
        DecryptResult read = bobStoredSession().decrypt(first, AD);
        assertTrue(read instanceof DecryptResult.Decrypted, "bob reads alice's first message: " + read);
    }

    @Test
    void aReplayedMessageOneAfterARestartIsStoredUnconfirmedAndChangesNothingLive() throws Exception {
        fullHandshake(new OnlineHandshakes(bobAccount, event -> { }, peer -> true));
        OnlineHandshakes bobFirst = new OnlineHandshakes(bobAccount, event -> { }, peer -> true);
        byte[] ik1 = aliceSide.start(bob, Optional.empty());
        OnlineHandshakes.Step answer = bobFirst.receive(alice, bob, ik1);
        aliceSide.receive(bob, alice, reply(answer));
        byte[] first = aliceSession().encrypt("first".getBytes(StandardCharsets.US_ASCII), AD);
        bobFirst.confirmLiveness(alice.asBareJid(), List.of(first), AD).orElseThrow();
        byte[] live = bobSession();
        byte[] secrets = bobSecrets();

        // The server replays the recorded message 1 to a restarted bob (its replay memory is empty).
        OnlineHandshakes bobAgain = new OnlineHandshakes(SottoAccount.open(bobStore, random, Clock.systemUTC()),
                event -> { }, peer -> true);
        OnlineHandshakes.Step replayed = bobAgain.receive(alice, bob, ik1);
        assertTrue(replayed instanceof OnlineHandshakes.Reply);
        assertTrue(bobAgain.awaitingLiveness(alice.asBareJid()).isPresent());
        assertArrayEquals(live, bobSession(), "a replay replaces no session");
        OnlineHandshakes.Step again = bobAgain.receive(alice, bob, ik1);
        assertTrue(again instanceof OnlineHandshakes.Failed failed && failed.failure() == HandshakeFailure.DUPLICATE);
        // Nothing alice sends (under her real session) opens under the replay's answer.
        byte[] next = aliceSession().encrypt("next".getBytes(StandardCharsets.US_ASCII), AD);
        assertTrue(bobAgain.confirmLiveness(alice.asBareJid(), List.of(next), AD).isEmpty());
        assertArrayEquals(live, bobSession(), "still the same live session");
        assertArrayEquals(secrets, bobSecrets(), "the retained secrets are unchanged");
    }

    /**
     * Bob answers two IK openings of alice's device (her retry after a timeout, or a heal after she restarted) and
     * alice commits the first: the first answer must still be confirmable. Keeping one answer per device, the second
     * displaced it and nothing alice sent could be read until the next heal; committing at once (before liveness was
     * required) kept it as a previous session.
     */
    @Test
    void anEarlierAnswerIsStillConfirmedAfterALaterOneToTheSameDevice() throws Exception {
        fullHandshake(new OnlineHandshakes(bobAccount, event -> { }, peer -> true));
        OnlineHandshakes bobSide = new OnlineHandshakes(bobAccount, event -> { }, peer -> true);
        OnlineHandshakes aliceRetry = new OnlineHandshakes(aliceAccount, event -> { }, peer -> true);
        byte[] first = aliceSide.start(bob, Optional.empty());
        byte[] retry = aliceRetry.start(bob, Optional.empty());
        OnlineHandshakes.Step firstAnswer = bobSide.receive(alice, bob, first);
        OnlineHandshakes.Step retryAnswer = bobSide.receive(alice, bob, retry);
        assertTrue(firstAnswer instanceof OnlineHandshakes.Reply && retryAnswer instanceof OnlineHandshakes.Reply,
                "both answered");
        assertTrue(aliceSide.receive(bob, alice, reply(firstAnswer)) instanceof OnlineHandshakes.Established,
                "alice committed the first");
        byte[] message = aliceSession().encrypt("under the first".getBytes(StandardCharsets.US_ASCII), AD);
        assertTrue(bobSide.confirmLiveness(alice.asBareJid(), List.of(message), AD).isPresent(),
                "the first answer is confirmed although a later one was given");
        assertTrue(bobStoredSession().decrypt(message, AD) instanceof DecryptResult.Decrypted);
        assertTrue(bobSide.awaitingLiveness(alice.asBareJid()).isPresent(),
                "the later answer still waits: alice may yet commit it");
    }

    private void fullHandshake(OnlineHandshakes bobSide) throws Exception {
        byte[] m1 = aliceSide.start(bob, Optional.empty());
        OnlineHandshakes.Step m2 = bobSide.receive(alice, bob, m1);
        OnlineHandshakes.Step m3 = aliceSide.receive(bob, alice, reply(m2));
        assertTrue(m3 instanceof OnlineHandshakes.Established);
        OnlineHandshakes.Step done = bobSide.receive(alice, bob, reply(m3));
        assertTrue(done instanceof OnlineHandshakes.Established, "the first handshake completes on both sides");
    }

    private RatchetSession aliceSession() {
        return aliceStore.transact(s -> SessionRecord.decode(s.sessions().load(new SessionAddress(
                bob.asBareJid().toString(), bobAccount.device().deviceId())).orElseThrow()))
                .ratchetSession(aliceAccount.random(), aliceAccount.clock());
    }

    /** Alice's session stored back after encrypting would be the real flow; here each message is encrypted once. */
    private RatchetSession bobStoredSession() {
        return SessionRecord.decode(bobSession()).ratchetSession(bobAccount.random(), bobAccount.clock());
    }

    private byte[] bobSession() {
        return bobStore.transact(s -> s.sessions().load(new SessionAddress(alice.asBareJid().toString(),
                aliceAccount.device().deviceId())).orElseThrow());
    }

    /** The retained secrets bob would use with alice's device (the record also holds any unconfirmed answer). */
    private byte[] bobSecrets() {
        return RetainedSecretRecord.lookup(bobStore, CoreJid.of(alice.asBareJid()), Clock.systemUTC())
                .forDevice(aliceAccount.device().certificate()).orElseThrow().toRecord();
    }

    /** The handshake message a step sends back (message 2 or 3, or our last one with an established session). */
    private static byte[] reply(OnlineHandshakes.Step step) {
        if (step instanceof OnlineHandshakes.Reply reply) {
            return reply.message();
        }
        if (step instanceof OnlineHandshakes.Established done && done.reply().isPresent()) {
            return done.reply().get();
        }
        throw new AssertionError("no message to send back: " + step);
    }

    private static Jid jid(String jid) {
        try {
            return JidCreate.from(jid);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
