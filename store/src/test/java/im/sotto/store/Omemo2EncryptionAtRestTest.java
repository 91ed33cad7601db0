package im.sotto.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import im.sotto.protocol.omemo.OmemoPreKeyKind;
import im.sotto.protocol.omemo.OmemoTrustLevel;
import im.sotto.protocol.omemo2.Omemo2Bundle;
import im.sotto.protocol.omemo2.Omemo2DeviceTrust;
import im.sotto.protocol.omemo2.Omemo2LocalKeys;
import im.sotto.protocol.omemo2.Omemo2SessionCipher;
import im.sotto.protocol.omemo2.Omemo2Trust;
import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.protocol.store.SessionAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OMEMO 2 tables (schema v7) leak nothing in the clear: the real OMEMO 2 core writes its Ed25519 identity,
 * prekeys, a session and a trust record, then every column value and the raw files are searched for any 12-byte
 * window of each record and for the peer's address.
 */
class Omemo2EncryptionAtRestTest {
    @TempDir
    Path dir;

    @Test
    void omemo2KeysSessionsAndTrustAreEncryptedAtRest() throws Exception {
        Path db = dir.resolve("account.db");
        SecureRandom random = new SecureRandom();
        String peer = "dave.omemo2contact@example.org";
        Map<String, byte[]> secrets = new LinkedHashMap<>();
        try (AccountStore dave = new InMemoryAccountStore();
                AccountStore store = SqliteAccountStore.create(db, Protection.keyFile(dir.resolve("account.key")))) {
            Omemo2Bundle daveBundle = dave.transact(s -> Omemo2LocalKeys.open(s.omemo2().device(),
                    s.omemo2().preKeys(), random, Clock.systemUTC()).bundle());
            SessionAddress daveDevice = new SessionAddress(peer, daveBundle.deviceId());
            store.transact(s -> {
                Omemo2LocalKeys keys = Omemo2LocalKeys.open(s.omemo2().device(), s.omemo2().preKeys(), random,
                        Clock.systemUTC());
                new Omemo2SessionCipher(keys, s.omemo2().sessions(), Omemo2Trust.BLIND, random)
                        .buildSession(daveDevice, daveBundle);
                s.omemo2().identities().storeTrustRecord(daveDevice,
                        new Omemo2DeviceTrust(daveBundle.identityKey(), OmemoTrustLevel.BLIND).encode());
                return null;
            });
            store.transact(s -> {
                secrets.put("device identity record", s.omemo2().device().localDevice().orElseThrow());
                int signed = s.omemo2().preKeys().ids(OmemoPreKeyKind.SIGNED).get(0);
                secrets.put("signed prekey record", s.omemo2().preKeys().load(OmemoPreKeyKind.SIGNED, signed)
                        .orElseThrow());
                int oneTime = s.omemo2().preKeys().ids(OmemoPreKeyKind.ONE_TIME).get(0);
                secrets.put("one-time prekey record", s.omemo2().preKeys().load(OmemoPreKeyKind.ONE_TIME, oneTime)
                        .orElseThrow());
                secrets.put("session record", s.omemo2().sessions().load(daveDevice).orElseThrow());
                secrets.put("trust record", s.omemo2().identities().trustRecord(daveDevice).orElseThrow());
                return null;
            });
            secrets.put("peer address", peer.getBytes(UTF_8));
        }
        assertEquals(List.of(), EncryptionAtRestTest.found(secrets, EncryptionAtRestTest.everyColumnValue(db)),
                "found in a column");
        assertEquals(List.of(), EncryptionAtRestTest.found(secrets, EncryptionAtRestTest.filesBeside(db)),
                "found in the raw files");
    }
}
