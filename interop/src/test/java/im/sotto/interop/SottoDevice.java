package im.sotto.interop;

import im.sotto.protocol.omemo.InMemoryOmemoStore;
import im.sotto.protocol.omemo.OmemoMessageCipher;
import im.sotto.protocol.omemo.OmemoPreKeys;
import im.sotto.protocol.omemo.OmemoSessionCipher;
import im.sotto.protocol.omemo.OmemoTrust;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** A Sotto OMEMO device with in-memory stores. */
final class SottoDevice {
    final InMemoryOmemoStore store = new InMemoryOmemoStore();
    final SecureRandom random = new SecureRandom();
    final OmemoPreKeys keys = OmemoPreKeys.open(store, store, random,
            Clock.fixed(Instant.parse("2026-12-06T12:00:00Z"), ZoneOffset.UTC));
    final OmemoSessionCipher sessions = new OmemoSessionCipher(keys, store, OmemoTrust.BLIND, random);
    final OmemoMessageCipher messages = new OmemoMessageCipher(sessions, keys.deviceId(), random);
}
