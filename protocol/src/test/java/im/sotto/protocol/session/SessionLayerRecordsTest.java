package im.sotto.protocol.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.trust.Continuity;
import im.sotto.protocol.handshake.RetainedSecrets;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.store.InMemoryAccountStore;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.trust.BareJid;
import im.sotto.protocol.wire.ByteWriter;

import org.junit.jupiter.api.Test;

/** The session layer's records (moved from the binding's {@code BindingRecordsTest}), without a server. */
class SessionLayerRecordsTest {
    private final SecureRandom random = new SecureRandom();

    @Test
    void sessionRecordRoundTripsAndRejectsTrailingBytes() {
        SessionRecord record = SessionRecord.builder(SessionOrigin.ONLINE_HANDSHAKE, new byte[] {1, 2, 3})
                .sas("ABCD1234").pendingConfirmation(new byte[] {9}).firstMessageDigest(new byte[32])
                .continuity(Continuity.CONFIRMED).build();
        byte[] encoded = record.encode();
        SessionRecord decoded = SessionRecord.decode(encoded);
        assertEquals(record.origin(), decoded.origin());
        assertEquals(Optional.of(Continuity.CONFIRMED), decoded.continuity());
        assertArrayEquals(record.ratchet(), decoded.ratchet());
        assertEquals(Optional.of("ABCD1234"), decoded.sas());
        assertArrayEquals(new byte[] {9}, decoded.pendingConfirmation().orElseThrow());
        assertTrue(decoded.peerCertificate().isEmpty());
        byte[] longer = java.util.Arrays.copyOf(encoded, encoded.length + 1);
        assertThrows(IllegalStateException.class, () -> SessionRecord.decode(longer));
        byte[] shorter = java.util.Arrays.copyOf(encoded, encoded.length - 1);
        assertThrows(IllegalStateException.class, () -> SessionRecord.decode(shorter));
    }

    @Test
    void sessionRecordOfVersionOneIsReadWithoutContinuity() {
        byte[] versionOne = new RecordCodec.Writer(1)
                .field(new byte[] {(byte) SessionOrigin.OFFLINE_FIRST_MESSAGE.ordinal()})
                .field(new byte[] {4, 5})
                .optional(Optional.empty())
                .optional(Optional.empty())
                .optional(Optional.empty())
                .optional(Optional.empty())
                .optional(Optional.of(new byte[32]))
                .toByteArray();
        SessionRecord decoded = SessionRecord.decode(versionOne);
        assertEquals(SessionOrigin.OFFLINE_FIRST_MESSAGE, decoded.origin());
        assertArrayEquals(new byte[] {4, 5}, decoded.ratchet());
        assertTrue(decoded.continuity().isEmpty());
        assertEquals(4, decoded.encode()[0], "written back as version 4");
    }

    /**
     * A retained-secret record written before confirmation was tracked (inner layout version 1: newest and previous)
     * is still read, both secrets unconfirmed, so the first handshake after an upgrade proves both as before.
     */
    @Test
    void retainedSecretRecordOfTheOldLayoutIsRead() throws Exception {
        InMemoryAccountStore store = new InMemoryAccountStore();
        DeviceCertificate peer = DeviceIdentity.create(AccountIdentity.generate(random), Set.of(1),
                Set.of(CipherSuite.X25519_AESGCM_SHA256.wireId()), random, Clock.systemUTC()).certificate();
        BareJid bob = BareJid.parse("bob@example.org");
        byte[] newest = new byte[32];
        byte[] previous = new byte[32];
        random.nextBytes(newest);
        random.nextBytes(previous);
        byte[] oldSecrets = new ByteWriter().u8(1).bytes(newest).u8(1).bytes(previous).toByteArray();
        store.transact(stores -> {
            stores.retainedSecrets().store(new SessionAddress(bob.toString(), peer.deviceId()),
                    new RecordCodec.Writer(1).field(peer.encoded()).field(oldSecrets)
                            .toByteArray());
            return null;
        });
        RetainedSecrets read = RetainedSecretRecord.lookup(store, bob, Clock.systemUTC())
                .forDevice(peer).orElseThrow();
        assertEquals(2, read.size());
        assertArrayEquals(newest, read.newest().reveal());
        assertTrue(!read.isConfirmed(0) && !read.isConfirmed(1));
        assertTrue(!read.toString().contains(java.util.HexFormat.of().formatHex(newest)), "no secret in toString");
    }
}
