package im.sotto.bench.sidebyside;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.handshake.HandshakeConfig;
import im.sotto.protocol.handshake.HandshakeException;
import im.sotto.protocol.handshake.HandshakeResult;
import im.sotto.protocol.handshake.HandshakeStep;
import im.sotto.protocol.handshake.OnlineInitiator;
import im.sotto.protocol.handshake.OnlineResponder;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.offline.BundleException;
import im.sotto.protocol.offline.FirstMessageReceiver;
import im.sotto.protocol.offline.FirstMessageSender;
import im.sotto.protocol.offline.IncomingFirstMessage;
import im.sotto.protocol.offline.OutgoingFirstMessage;
import im.sotto.protocol.offline.PreKeyBundle;
import im.sotto.protocol.offline.PreKeyPolicy;
import im.sotto.protocol.offline.PreKeyRecordException;
import im.sotto.protocol.offline.PreKeyVault;
import im.sotto.protocol.offline.RecipientKnowledge;
import im.sotto.protocol.ratchet.DecryptResult;
import im.sotto.protocol.ratchet.RatchetRecordException;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.protocol.store.SessionAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Alice and Bob on Sotto, each with the core's in-memory store, working the way the binding does: every operation
 * loads the session as an opaque record, runs the protocol, and stores the new record (header encryption is always
 * on in Sotto). The prekey vault is kept as its opaque record too ({@link PreKeyVault#toRecord()}), loaded and
 * written back on every first message.
 */
public final class SottoParties {
    static final SessionAddress BOB = new SessionAddress("bob@example.org", 2);
    static final SessionAddress ALICE = new SessionAddress("alice@example.org", 1);
    // The offline figure stores its sessions under addresses of their own, never touching the established one.
    static final SessionAddress BOB_OFFLINE = new SessionAddress("bob-offline@example.org", 2);
    static final SessionAddress ALICE_OFFLINE = new SessionAddress("alice-offline@example.org", 1);

    final SecureRandom random = new SecureRandom();
    final Clock clock = Clock.systemUTC();
    final AccountIdentity aliceAccount = AccountIdentity.generate(random);
    final AccountIdentity bobAccount = AccountIdentity.generate(random);
    final DeviceIdentity alice;
    final DeviceIdentity bob;
    final AccountStore aliceStore = new InMemoryAccountStore();
    final AccountStore bobStore = new InMemoryAccountStore();

    // Established session, for the message figures.
    private byte[] aliceSnapshot;
    private byte[] bobSnapshot;
    private int sinceRewind;

    // Offline session setup.
    private final CipherSuite offlineSuite;
    private final RecipientKnowledge knowledge;
    private final byte[] bundle;
    private final byte[] vaultRecord;
    private byte[] committedVault;
    private final FirstMessageSender sender;
    private final FirstMessageReceiver receiver;

    // Online handshake.
    private final HandshakeConfig initiatorConfig;
    private final HandshakeConfig responderConfig;

    /**
     * @param offlineSuite the suite of the offline figures (classical or hybrid)
     * @param pinned whether Alice already knows Bob's certificate (she then checks the bundle's signature and mixes
     *     in his device key); a first contact does not
     */
    public SottoParties(CipherSuite offlineSuite, boolean pinned) {
        Set<Integer> suites = Arrays.stream(CipherSuite.values()).map(CipherSuite::wireId).collect(Collectors.toSet());
        alice = DeviceIdentity.create(aliceAccount, Set.of(1), suites, random, clock);
        bob = DeviceIdentity.create(bobAccount, Set.of(1), suites, random, clock);
        this.offlineSuite = offlineSuite;
        this.knowledge = pinned ? RecipientKnowledge.pinned(bob.certificate()) : RecipientKnowledge.unknown();
        PreKeyVault vault = PreKeyVault.create(bobAccount, Set.of(offlineSuite), PreKeyPolicy.defaults(), random,
                clock.instant());
        bundle = vault.bundle().encode();
        vaultRecord = vault.toRecord();
        sender = new FirstMessageSender(alice, List.of(offlineSuite), random, clock);
        receiver = new FirstMessageReceiver(bob, random, clock);
        initiatorConfig = HandshakeConfig.builder(alice).suites(List.of(CipherSuite.X25519_AESGCM_SHA256)).build();
        responderConfig = HandshakeConfig.builder(bob).suites(List.of(CipherSuite.X25519_AESGCM_SHA256)).build();
    }

    /**
     * Establishes a session by the online handshake, exchanges one message each way and one more from Alice (so her
     * current chain is Bob's current receiving chain), then saves both records.
     */
    public void establish() throws Exception {
        HandshakeResult[] results = handshakeResults();
        RatchetSession a = RatchetSession.start(results[0].seed().toRatchetInit(), random, clock);
        RatchetSession b = RatchetSession.start(results[1].seed().toRatchetInit(), random, clock);
        aliceStore.transact(s -> {
            s.sessions().store(BOB, a.toRecord());
            return null;
        });
        bobStore.transact(s -> {
            s.sessions().store(ALICE, b.toRecord());
            return null;
        });
        pingPong();
        // One more from Alice: her new chain is now known to Bob, so the one-way figure has no DH step in it.
        receive(bobStore, ALICE, send(aliceStore, BOB));
        aliceSnapshot = aliceStore.transact(s -> s.sessions().load(BOB).orElseThrow());
        bobSnapshot = bobStore.transact(s -> s.sessions().load(ALICE).orElseThrow());
        sinceRewind = 0;
    }

    /**
     * Alice to Bob, one message. Every {@value Anchors#REWIND_EVERY} messages both records are put back to their
     * saved state (one store write each), so chains stay below the heartbeat interval and no DH step happens.
     */
    public byte[] oneWay() throws RatchetRecordException {
        byte[] plaintext = receive(bobStore, ALICE, send(aliceStore, BOB));
        if (++sinceRewind == Anchors.REWIND_EVERY) {
            sinceRewind = 0;
            aliceStore.transact(s -> {
                s.sessions().store(BOB, aliceSnapshot);
                return null;
            });
            bobStore.transact(s -> {
                s.sessions().store(ALICE, bobSnapshot);
                return null;
            });
        }
        return plaintext;
    }

    /** Alice to Bob, then Bob to Alice: each received message starts a new chain (a DH ratchet step). */
    public byte[] pingPong() throws RatchetRecordException {
        receive(bobStore, ALICE, send(aliceStore, BOB));
        return receive(aliceStore, BOB, send(bobStore, ALICE));
    }

    byte[] send(AccountStore from, SessionAddress to) throws RatchetRecordException {
        return from.transact(s -> {
            RatchetSession session = RatchetSession.fromRecord(s.sessions().load(to).orElseThrow(), random, clock);
            byte[] message = session.encrypt(Anchors.PAYLOAD, Anchors.ASSOCIATED_DATA);
            s.sessions().store(to, session.toRecord());
            return message;
        });
    }

    byte[] receive(AccountStore at, SessionAddress from, byte[] message) throws RatchetRecordException {
        return at.transact(s -> {
            RatchetSession session = RatchetSession.fromRecord(s.sessions().load(from).orElseThrow(), random, clock);
            DecryptResult r = session.decrypt(message, Anchors.ASSOCIATED_DATA);
            if (!(r instanceof DecryptResult.Decrypted d)) {
                throw new IllegalStateException("benchmark message did not decrypt: " + r);
            }
            s.sessions().store(from, session.toRecord());
            return d.plaintext();
        });
    }

    /**
     * Offline session setup: Alice parses Bob's published bundle, sends a first message carrying the payload and
     * stores her new session; Bob loads his vault record, accepts the message, stores the new session and the new
     * vault record. The vault Bob loads is the same every time (the one-time prekey Alice picks is never gone).
     */
    public byte[] offline() throws BundleException, PreKeyRecordException, RatchetRecordException {
        OutgoingFirstMessage out = sender.send(PreKeyBundle.parse(bundle), knowledge, Anchors.PAYLOAD,
                Anchors.ASSOCIATED_DATA);
        aliceStore.transact(s -> {
            s.sessions().store(BOB_OFFLINE, out.session().toRecord());
            return null;
        });
        return bobStore.<byte[], PreKeyRecordException>transact(s -> {
            IncomingFirstMessage r = receiver.receive(PreKeyVault.fromRecord(vaultRecord), out.message(),
                    Anchors.ASSOCIATED_DATA);
            if (!(r instanceof IncomingFirstMessage.Accepted a)) {
                throw new IllegalStateException("first message rejected: " + r);
            }
            s.sessions().store(ALICE_OFFLINE, a.session().toRecord());
            committedVault = a.vault().toRecord();
            return a.plaintext();
        });
    }

    /** The online handshake: three messages, both certificates checked, both SAS derived and compared. */
    public Object handshake() throws HandshakeException {
        HandshakeResult[] r = handshakeResults();
        if (!r[0].sas().orElseThrow().equals(r[1].sas().orElseThrow())) {
            throw new IllegalStateException("SAS differ");
        }
        return r[0].sas().get();
    }

    HandshakeResult[] handshakeResults() throws HandshakeException {
        OnlineInitiator a = OnlineInitiator.create(initiatorConfig, random, clock);
        OnlineResponder b = OnlineResponder.create(responderConfig, random, clock);
        HandshakeStep two = b.receive(a.start());
        HandshakeStep three = a.receive(two.message().orElseThrow());
        HandshakeStep done = b.receive(three.message().orElseThrow());
        return new HandshakeResult[] {three.result().orElseThrow(), done.result().orElseThrow()};
    }

    /** Alice encrypts {@code plaintext} to Bob on the established session (for the wire-size table). */
    public byte[] encryptToBob(byte[] plaintext) throws RatchetRecordException {
        return aliceStore.transact(s -> {
            RatchetSession session = RatchetSession.fromRecord(s.sessions().load(BOB).orElseThrow(), random, clock);
            byte[] message = session.encrypt(plaintext, Anchors.ASSOCIATED_DATA);
            s.sessions().store(BOB, session.toRecord());
            return message;
        });
    }

    /** One first message carrying {@code plaintext} (for the wire-size table). */
    public byte[] firstMessage(byte[] plaintext) throws BundleException {
        return sender.send(PreKeyBundle.parse(bundle), knowledge, plaintext, Anchors.ASSOCIATED_DATA).message();
    }

    CipherSuite offlineSuite() {
        return offlineSuite;
    }

    int committedVaultLength() {
        return committedVault == null ? 0 : committedVault.length;
    }
}
