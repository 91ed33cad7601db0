package im.sotto.store.crash;

import static java.nio.charset.StandardCharsets.UTF_8;

import im.sotto.protocol.ratchet.DecryptResult;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.LogEntry;
import im.sotto.store.Protection;
import im.sotto.store.SqliteAccountStore;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The child JVM of {@link CrashTest}: Alice and Bob, each with their own SQLite store, talk over {@link Network}
 * until the test kills the process. Each step is one protocol operation done the way the binding must do it:
 *
 * <ul>
 *   <li>send: one transaction loads the session, encrypts, stores the new session and logs the stanza as sent;
 *       only after it committed is the message handed to the network;
 *   <li>receive: one transaction loads the session, decrypts, and stores the new session together with the stanza
 *       in the log; only after it committed is the delivery acknowledged to the network.
 * </ul>
 *
 * <p>Arguments: the working directory, and optionally a number of rounds to finish with (then it drains both
 * directions and exits 0 instead of running until killed). Exits 3 if a message does not decrypt.
 */
public final class CrashConversation {
    static final String UNSAFE_SEND_THEN_DIE = "--unsafe-send-before-commit-then-die";
    static final byte[] ASSOCIATED_DATA = "alice@example.org/1|bob@example.org/2".getBytes(UTF_8);

    private final Network network;
    private final Map<Party, AccountStore> stores;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();
    /** The (key, nonce) pairs of the ciphertext being sent, from encryption until it is handed to the network. */
    private final ThreadLocal<List<byte[]>> pending = new ThreadLocal<>();

    private CrashConversation(Network network, Map<Party, AccountStore> stores) {
        this.network = network;
        this.stores = stores;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        AeadPairLog.install(dir.resolve("aead-pairs"));
        Network network = new Network(dir);
        network.repair("alice", "bob");
        network.repair("bob", "alice");
        Map<Party, AccountStore> stores = new EnumMap<>(Party.class);
        try {
            for (Party p : Party.values()) {
                stores.put(p, SqliteAccountStore.open(p.database(dir), Protection.keyFile(p.keyFile(dir))));
            }
            CrashConversation conversation = new CrashConversation(network, stores);
            System.out.println("READY");
            System.out.flush();
            if (args.length > 1 && args[1].equals(UNSAFE_SEND_THEN_DIE)) {
                conversation.unsafeSendBeforeCommitThenDie();
            } else if (args.length > 1) {
                conversation.finish(Integer.parseInt(args[1]));
                System.out.println("FINISHED");
            } else {
                while (true) {
                    conversation.randomStep();
                }
            }
        } finally {
            stores.values().forEach(AccountStore::close);
        }
    }

    private void randomStep() throws Exception {
        switch (random.nextInt(4)) {
            case 0 -> send(Party.ALICE);
            case 1 -> send(Party.BOB);
            case 2 -> deliverOne(Party.BOB);
            default -> deliverOne(Party.ALICE);
        }
    }

    private void finish(int rounds) throws Exception {
        drain(Party.BOB);
        drain(Party.ALICE);
        for (int i = 0; i < rounds; i++) {
            if (!send(Party.ALICE)) {
                throw new IllegalStateException("alice cannot send");
            }
            drain(Party.BOB);
            if (!send(Party.BOB)) {
                throw new IllegalStateException("bob cannot send after receiving");
            }
            drain(Party.ALICE);
        }
    }

    /**
     * The mistake the store's atomicity rule forbids, for the control test: hand the ciphertext to the network
     * inside the transaction, before the new state is committed, and die there as a SIGKILL would.
     */
    private void unsafeSendBeforeCommitThenDie() throws Exception {
        Party from = Party.ALICE;
        stores.get(from).transact(s -> {
            RatchetSession session = RatchetSession.fromRecord(s.sessions().load(from.peerDevice).orElseThrow(),
                    random, clock);
            String stanzaId = from.name + "-" + session.sentCount();
            AeadPairLog.beginCapture();
            byte[] message = session.encrypt(stanzaId.getBytes(UTF_8), ASSOCIATED_DATA);
            AeadPairLog.markExposed(AeadPairLog.endCapture());
            network.send(from.name, from.peer().name, stanzaId, message);
            Runtime.getRuntime().halt(137);
            return null;
        });
    }

    /** One send; false if the session cannot send yet (Bob before his first message from Alice). */
    private boolean send(Party from) throws Exception {
        Object[] sent = stores.get(from).transact(s -> {
            RatchetSession session = RatchetSession.fromRecord(s.sessions().load(from.peerDevice).orElseThrow(),
                    random, clock);
            if (!session.canEncrypt()) {
                return null;
            }
            String stanzaId = from.name + "-" + session.sentCount();
            AeadPairLog.beginCapture();
            byte[] message = session.encrypt(stanzaId.getBytes(UTF_8), ASSOCIATED_DATA);
            pending.set(AeadPairLog.endCapture());
            s.sessions().store(from.peerDevice, session.toRecord());
            s.messageLog().append(new LogEntry(LogEntry.Direction.SENT, from.peerDevice, stanzaId, clock.instant(),
                    stanzaId.getBytes(UTF_8)));
            return new Object[] {stanzaId, message};
        });
        if (sent == null) {
            return false;
        }
        AeadPairLog.markExposed(pending.get());
        network.send(from.name, from.peer().name, (String) sent[0], (byte[]) sent[1]);
        return true;
    }

    private void drain(Party to) throws Exception {
        while (deliverOne(to)) {
            // until nothing is waiting
        }
    }

    /** Delivers the next unacknowledged message to {@code to}; false if none is waiting. */
    private boolean deliverOne(Party to) throws Exception {
        String from = to.peer().name;
        long acknowledged = network.acknowledged(from, to.name);
        List<Network.Frame> frames = network.frames(from, to.name);
        Network.Frame next = frames.stream().filter(f -> f.end() > acknowledged).findFirst().orElse(null);
        if (next == null) {
            return false;
        }
        DecryptResult result = stores.get(to).transact(s -> {
            RatchetSession session = RatchetSession.fromRecord(s.sessions().load(to.peerDevice).orElseThrow(),
                    random, clock);
            DecryptResult r = session.decrypt(next.message(), ASSOCIATED_DATA);
            if (r instanceof DecryptResult.Decrypted d) {
                s.sessions().store(to.peerDevice, session.toRecord());
                s.messageLog().append(new LogEntry(LogEntry.Direction.RECEIVED, to.peerDevice, next.stanzaId(),
                        clock.instant(), d.plaintext()));
            }
            return r;
        });
        if (result instanceof DecryptResult.Undecryptable u) {
            System.err.println("UNDECRYPTABLE " + next.stanzaId() + ": " + u.reason());
            System.exit(3);
        }
        network.acknowledge(from, to.name, next.end());
        return true;
    }
}
