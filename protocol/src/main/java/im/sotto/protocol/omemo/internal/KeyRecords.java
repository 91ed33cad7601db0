package im.sotto.protocol.omemo.internal;

import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.store.StoreFailureException;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;
import java.time.Instant;

/**
 * Stored forms of this device's OMEMO keys (docs/protocol.md, "OMEMO 0.3"), each behind a version byte 1:
 * the device record (u32 device id, private key, public key), a signed prekey (private, public, 64-byte signature,
 * u64 creation time in milliseconds) and a one-time prekey (private, public).
 */
public final class KeyRecords {
    public static final int VERSION = 1;
    private static final int KEY = 32;

    private KeyRecords() {}

    public record Device(int deviceId, X25519KeyPair identity) {}

    public record SignedPreKey(X25519KeyPair keyPair, byte[] signature, Instant created) {}

    public static byte[] encodeDevice(Device d) {
        return withKeys(new ByteWriter().u8(VERSION).u32(d.deviceId()), d.identity()).toByteArray();
    }

    public static Device decodeDevice(byte[] record) {
        try {
            ByteReader r = reader(record);
            long id = r.u32();
            if (id < 1 || id > Integer.MAX_VALUE) {
                throw new MalformedInputException("device id out of range");
            }
            X25519KeyPair identity = keys(r);
            r.expectEnd();
            return new Device((int) id, identity);
        } catch (MalformedInputException e) {
            throw damaged("device", e);
        }
    }

    public static byte[] encodeSignedPreKey(SignedPreKey k) {
        return withKeys(new ByteWriter().u8(VERSION), k.keyPair()).bytes(k.signature())
                .u64(k.created().toEpochMilli()).toByteArray();
    }

    public static SignedPreKey decodeSignedPreKey(byte[] record) {
        try {
            ByteReader r = reader(record);
            X25519KeyPair pair = keys(r);
            byte[] signature = r.bytes(XEdDsa.SIGNATURE_LENGTH);
            Instant created = Instant.ofEpochMilli(r.u64());
            r.expectEnd();
            return new SignedPreKey(pair, signature, created);
        } catch (MalformedInputException e) {
            throw damaged("signed prekey", e);
        }
    }

    public static byte[] encodeOneTimePreKey(X25519KeyPair k) {
        return withKeys(new ByteWriter().u8(VERSION), k).toByteArray();
    }

    public static X25519KeyPair decodeOneTimePreKey(byte[] record) {
        try {
            ByteReader r = reader(record);
            X25519KeyPair pair = keys(r);
            r.expectEnd();
            return pair;
        } catch (MalformedInputException e) {
            throw damaged("one-time prekey", e);
        }
    }

    private static ByteWriter withKeys(ByteWriter w, X25519KeyPair pair) {
        byte[] priv = pair.privateKey().reveal();
        try {
            return w.bytes(priv).bytes(pair.publicKey());
        } finally {
            java.util.Arrays.fill(priv, (byte) 0);
        }
    }

    private static X25519KeyPair keys(ByteReader r) throws MalformedInputException {
        byte[] priv = r.bytes(KEY);
        byte[] pub = r.bytes(KEY);
        try {
            return X25519KeyPair.restore(SecretBytes.copyOf(priv), pub);
        } finally {
            java.util.Arrays.fill(priv, (byte) 0);
        }
    }

    private static ByteReader reader(byte[] record) throws MalformedInputException {
        ByteReader r = new ByteReader(record);
        if (r.u8() != VERSION) {
            throw new MalformedInputException("unknown record version");
        }
        return r;
    }

    private static StoreFailureException damaged(String what, MalformedInputException e) {
        return new StoreFailureException(StoreFailureException.Kind.DAMAGED, "OMEMO " + what + " record: "
                + e.getMessage(), e);
    }
}
