package im.sotto.protocol.omemo2;

import im.sotto.protocol.omemo.EncryptedKey;
import im.sotto.protocol.omemo.InMemoryOmemoStore;
import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.testing.DeterministicRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/** A Sotto OMEMO 2 device on in-memory stores with a reproducible random stream and a fixed clock. */
final class Omemo2TestDevice {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T08:00:00Z"), ZoneOffset.UTC);

    final String jid;
    final InMemoryOmemoStore store = new InMemoryOmemoStore();
    final DeterministicRandom random;
    final Omemo2LocalKeys keys;
    final Omemo2SessionCipher sessions;

    Omemo2TestDevice(String jid, Omemo2Trust trust) {
        this.jid = jid;
        this.random = new DeterministicRandom("omemo2 device " + jid);
        this.keys = Omemo2LocalKeys.open(store, store, random, CLOCK);
        this.sessions = new Omemo2SessionCipher(keys, store, trust, random);
    }

    Omemo2TestDevice(String jid) {
        this(jid, Omemo2Trust.BLIND);
    }

    SessionAddress address() {
        return new SessionAddress(jid, keys.deviceId());
    }

    /** A whole message to {@code peer}: its key element for that device and the payload. */
    record Sent(EncryptedKey key, byte[] payload) {
        Optional<byte[]> payloadIfAny() {
            return Optional.ofNullable(payload);
        }
    }

    Sent send(Omemo2TestDevice peer, String text) throws OmemoException {
        if (!sessions.hasSession(peer.address())) {
            sessions.buildSession(peer.address(), peer.keys.bundle());
        }
        if (text == null) {
            return new Sent(sessions.encrypt(peer.address(), Omemo2Payload.emptyKeyMaterial()), null);
        }
        Omemo2Payload.Encrypted payload = Omemo2Payload.encrypt(text.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                random);
        return new Sent(sessions.encrypt(peer.address(), payload.keyMaterial()), payload.ciphertext());
    }

    Omemo2Decryption receive(Omemo2TestDevice sender, Sent sent) {
        return sessions.decrypt(sender.address(), sent.key(), sent.payloadIfAny());
    }
}
