package im.sotto.protocol.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;

import im.sotto.protocol.trust.Continuity;
import im.sotto.protocol.handshake.HandshakeConfig;
import im.sotto.protocol.handshake.HandshakeException;
import im.sotto.protocol.handshake.HandshakeMode;
import im.sotto.protocol.handshake.HandshakeResult;
import im.sotto.protocol.handshake.HandshakeStep;
import im.sotto.protocol.handshake.OnlineInitiator;
import im.sotto.protocol.handshake.OnlineResponder;
import im.sotto.protocol.handshake.RetainedSecretLookup;
import im.sotto.protocol.handshake.RetainedSecrets;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.testing.TestDevices;
import im.sotto.protocol.trust.BareJid;

import org.junit.jupiter.api.Test;

/**
 * The session layer confirms a retained secret when the peer's first ratchet message opens under the session that
 * left it (docs/protocol.md 4.11): from then on it is history a thief with the peer's stolen keys cannot prove, and
 * BROKEN. Before, the XX initiator (who sends the last handshake message) cannot tell whether the peer stored the
 * session, and a peer proving nothing is a first contact, not a break (UnconfirmedHistoryTest).
 */
class RatchetConfirmationTest {
    private static final byte[] AD = "associated data".getBytes(StandardCharsets.US_ASCII);
    private static final BareJid BOB = BareJid.parse("bob@example.org");

    private final SecureRandom random = new SecureRandom();
    private final DeviceIdentity alice = TestDevices.device(AccountIdentity.generate(random), random);
    private final DeviceIdentity bob = TestDevices.device(AccountIdentity.generate(random), random);
    private final InMemoryAccountStore alicesStore = new InMemoryAccountStore();
    private final SessionCipher alicesCipher = new SessionCipher(alice, random, TestDevices.CLOCK);

    /** Alice starts an XX session with bob and stores it as the binding does; bob's side is returned. */
    private RatchetSession firstSession() throws Exception {
        HandshakeResult[] results = handshake(alice, lookup(), bob, RetainedSecretLookup.NONE, false);
        HandshakeResult alicesResult = results[0];
        assertEquals(HandshakeMode.XX, alicesResult.selection().mode());
        commit(alicesResult);
        assertFalse(secrets().anyConfirmed(), "XX's initiator sent the last message and heard nothing back yet");
        RatchetSession bobsSide = RatchetSession.start(results[1].seed().toRatchetInit(), random, TestDevices.CLOCK);
        // The initiator sends first (the binding's empty ratchet message after XX message 3); bob reads it.
        SessionAddress address = new SessionAddress(BOB.toString(), bob.certificate().deviceId());
        byte[] first = alicesStore.transact(stores -> {
            SessionRecord record = SessionRecord.decode(stores.sessions().load(address).orElseThrow());
            RatchetSession session = record.ratchetSession(random, TestDevices.CLOCK);
            byte[] message = session.encrypt(new byte[0], AD);
            stores.sessions().store(address, record.withRatchet(session.toRecord()).encode());
            return message;
        });
        assertInstanceOf(im.sotto.protocol.ratchet.DecryptResult.Decrypted.class, bobsSide.decrypt(first, AD));
        return bobsSide;
    }

    @Test
    void theThiefIsBrokenOnceTheRealPeerWasHeardFromAndNotBefore() throws Exception {
        RatchetSession bobsSide = firstSession();
        // Before a word from bob: a thief with bob's keys is a new peer (bob may have lost the session).
        assertNotEquals(Continuity.BROKEN, thiefAsBob());

        SessionCipher.Opening opened = open(bobsSide.encrypt("hello".getBytes(StandardCharsets.UTF_8), AD));
        assertInstanceOf(SessionCipher.Opened.class, opened);
        assertTrue(secrets().isConfirmed(0), "bob's first message confirms the session's secret");
        assertEquals(Continuity.BROKEN, thiefAsBob(), "a thief with bob's keys but not his history");
    }

    @Test
    void onlyTheFirstMessageWritesAndGarbageConfirmsNothing() throws Exception {
        RatchetSession bobsSide = firstSession();
        byte[] garbage = bobsSide.encrypt("x".getBytes(StandardCharsets.UTF_8), AD);
        garbage[garbage.length - 1] ^= 1;
        assertInstanceOf(SessionCipher.NotOpened.class, open(garbage));
        assertFalse(secrets().anyConfirmed(), "a message that does not open confirms nothing");
        open(bobsSide.encrypt("one".getBytes(StandardCharsets.UTF_8), AD));
        byte[] confirmed = secrets().toRecord();
        open(bobsSide.encrypt("two".getBytes(StandardCharsets.UTF_8), AD));
        assertTrue(java.util.Arrays.equals(confirmed, secrets().toRecord()));
    }

    @Test
    void aSessionReportedBrokenConfirmsNoSecret() throws Exception {
        RatchetSession bobsSide = firstSession();
        SessionAddress address = new SessionAddress(BOB.toString(), bob.certificate().deviceId());
        alicesStore.transact(stores -> {
            SessionRecord record = SessionRecord.decode(stores.sessions().load(address).orElseThrow());
            stores.sessions().store(address, SessionRecord.builder(record.origin(), record.ratchet())
                    .peerCertificate(record.peerCertificate()).continuity(Continuity.BROKEN).build().encode());
            return null;
        });
        assertInstanceOf(SessionCipher.Opened.class, open(bobsSide.encrypt("hi".getBytes(StandardCharsets.UTF_8),
                AD)));
        // After BROKEN the secrets kept are the older ones, not this session's: none of them is confirmed by it.
        assertFalse(secrets().anyConfirmed());
    }

    private Continuity thiefAsBob() throws Exception {
        return handshake(alice, lookup(), bob, RetainedSecretLookup.NONE, true)[0].continuity();
    }

    private SessionCipher.Opening open(byte[] message) {
        return alicesCipher.openRatchet(alicesStore, BOB, message, AD, (stores, opened) -> opened,
                notOpened -> notOpened);
    }

    private RetainedSecretLookup lookup() {
        return RetainedSecretRecord.lookup(alicesStore, BOB, TestDevices.CLOCK);
    }

    private RetainedSecrets secrets() {
        return lookup().forDevice(bob.certificate()).orElseThrow();
    }

    /** What the binding stores for a completed handshake: the session record and the retained secrets. */
    private void commit(HandshakeResult result) throws Exception {
        RatchetSession session = RatchetSession.start(result.seed().toRatchetInit(), random, TestDevices.CLOCK);
        alicesStore.transact(stores -> {
            stores.sessions().store(new SessionAddress(BOB.toString(), result.peerCertificate().deviceId()),
                    SessionRecord.builder(SessionOrigin.ONLINE_HANDSHAKE, session.toRecord())
                            .peerCertificate(result.peerCertificate().encoded()).continuity(result.continuity())
                            .build().encode());
            RetainedSecretRecord.keep(stores, BOB, result);
            return null;
        });
    }

    /** Runs a handshake, alice initiating (XX, or IK with {@code knownPeer}); the initiator's and responder's results. */
    private HandshakeResult[] handshake(DeviceIdentity i, RetainedSecretLookup im, DeviceIdentity r,
            RetainedSecretLookup rm, boolean knownPeer) throws HandshakeException {
        OnlineInitiator initiator = OnlineInitiator.create(HandshakeConfig.builder(i).retainedSecrets(im).build(),
                random, TestDevices.CLOCK);
        OnlineResponder responder = OnlineResponder.create(HandshakeConfig.builder(r).retainedSecrets(rm).build(),
                random, TestDevices.CLOCK);
        HandshakeResult[] results = new HandshakeResult[2];
        Optional<byte[]> next = Optional.of(knownPeer ? initiator.startKnownPeer(r.certificate()) : initiator.start());
        boolean toResponder = true;
        while (next.isPresent()) {
            HandshakeStep step = toResponder ? responder.receive(next.get()) : initiator.receive(next.get());
            int side = toResponder ? 1 : 0;
            step.result().ifPresent(result -> results[side] = result);
            next = step.message();
            toResponder = !toResponder;
        }
        return results;
    }
}
