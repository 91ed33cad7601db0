package im.sotto.protocol.omemo;

import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.testing.DeterministicRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** A Sotto OMEMO device on in-memory stores with a reproducible random stream and a fixed clock. */
final class OmemoTestDevice {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T12:00:00Z"), ZoneOffset.UTC);

    final String jid;
    final InMemoryOmemoStore store = new InMemoryOmemoStore();
    final DeterministicRandom random;
    final OmemoPreKeys keys;
    final OmemoSessionCipher sessions;
    final OmemoMessageCipher messages;

    OmemoTestDevice(String jid, OmemoTrust trust) {
        this.jid = jid;
        this.random = new DeterministicRandom("omemo device " + jid);
        this.keys = OmemoPreKeys.open(store, store, random, CLOCK);
        this.sessions = new OmemoSessionCipher(keys, store, trust, random);
        this.messages = new OmemoMessageCipher(sessions, keys.deviceId(), random);
    }

    OmemoTestDevice(String jid) {
        this(jid, OmemoTrust.BLIND);
    }

    SessionAddress address() {
        return new SessionAddress(jid, keys.deviceId());
    }

    byte[] sessionRecord(OmemoTestDevice peer) {
        return store.load(peer.address()).orElseThrow();
    }
}
