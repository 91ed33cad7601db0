package im.sotto.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import im.sotto.protocol.omemo.OmemoPreKeyKind;
import im.sotto.protocol.omemo.OmemoPreKeys;
import im.sotto.protocol.omemo.OmemoSessionCipher;
import im.sotto.protocol.omemo.OmemoTrust;
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
 * The OMEMO tables leak nothing in the clear: the real core writes its identity key pair, prekeys, a session and a
 * trust record, then every column value and the raw files are searched for any 12-byte window of each record as
 * the core handed it to the store, and for the peer's address.
 */
class OmemoEncryptionAtRestTest {
    @TempDir
    Path dir;

    @Test
    void omemoKeysSessionsAndTrustAreEncryptedAtRest() throws Exception {
        Path db = dir.resolve("account.db");
        SecureRandom random = new SecureRandom();
        String peer = "bob.omemocontact@example.org";
        Map<String, byte[]> secrets = new LinkedHashMap<>();
        try (AccountStore bob = new InMemoryAccountStore();
                AccountStore store = SqliteAccountStore.create(db, Protection.keyFile(dir.resolve("account.key")))) {
            im.sotto.protocol.omemo.OmemoBundle bobBundle = bob.transact(s -> OmemoPreKeys.open(s.omemo().device(),
                    s.omemo().preKeys(), random, Clock.systemUTC()).bundle());
            SessionAddress bobDevice = new SessionAddress(peer, bobBundle.deviceId());
            store.transact(s -> {
                OmemoPreKeys keys = OmemoPreKeys.open(s.omemo().device(), s.omemo().preKeys(), random,
                        Clock.systemUTC());
                new OmemoSessionCipher(keys, s.omemo().sessions(), OmemoTrust.BLIND, random)
                        .buildSession(bobDevice, bobBundle);
                s.omemo().identities().storeTrustRecord(bobDevice, "blind trust of bob's device".getBytes(UTF_8));
                return null;
            });
            store.transact(s -> {
                secrets.put("device identity record", s.omemo().device().localDevice().orElseThrow());
                int signed = s.omemo().preKeys().ids(OmemoPreKeyKind.SIGNED).get(0);
                secrets.put("signed prekey record", s.omemo().preKeys().load(OmemoPreKeyKind.SIGNED, signed)
                        .orElseThrow());
                int oneTime = s.omemo().preKeys().ids(OmemoPreKeyKind.ONE_TIME).get(0);
                secrets.put("one-time prekey record", s.omemo().preKeys().load(OmemoPreKeyKind.ONE_TIME, oneTime)
                        .orElseThrow());
                secrets.put("session record", s.omemo().sessions().load(bobDevice).orElseThrow());
                secrets.put("trust record", s.omemo().identities().trustRecord(bobDevice).orElseThrow());
                return null;
            });
            secrets.put("peer address", peer.getBytes(UTF_8));
            assertEquals(List.of(), EncryptionAtRestTest.found(secrets, EncryptionAtRestTest.everyColumnValue(db)),
                    "found in a column while open");
        }
        assertEquals(List.of(), EncryptionAtRestTest.found(secrets, EncryptionAtRestTest.everyColumnValue(db)),
                "found in a column");
        assertEquals(List.of(), EncryptionAtRestTest.found(secrets, EncryptionAtRestTest.filesBeside(db)),
                "found in the raw files");
    }
}
