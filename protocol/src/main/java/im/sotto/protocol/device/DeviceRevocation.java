package im.sotto.protocol.device;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import im.sotto.protocol.crypto.Ed25519;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;

/**
 * An account key's statement that one of its devices is revoked (docs/protocol.md 7.7): version, device id, time,
 * and an Ed25519 signature over a label, the account public key and those bytes. The account key is signed but not
 * carried: the statement is published on an open PEP node, and the key in the clear would link the account to its
 * identity (7.4). A peer verifies it against the key it pinned for the account; to anyone else it links to nothing.
 */
public final class DeviceRevocation {
    public static final int VERSION = 1;
    /** version (1) + device id (4) + time (8) + signature (64). */
    public static final int LENGTH = 1 + 4 + 8 + Ed25519.SIGNATURE_LENGTH;
    /** Device ids are 1 .. 2^31 - 1 (docs/protocol.md 3.1). */
    static final long MAX_DEVICE_ID = 0x7fffffffL;
    private static final byte[] LABEL = "Sotto v1 device revocation".getBytes(StandardCharsets.US_ASCII);

    private final long deviceId;
    private final Instant revokedAt;
    private final byte[] encoded;

    private DeviceRevocation(long deviceId, Instant revokedAt, byte[] encoded) {
        this.deviceId = deviceId;
        this.revokedAt = revokedAt;
        this.encoded = encoded;
    }

    /** Revokes {@code deviceId} of {@code account} at {@code at} (whole seconds). */
    public static DeviceRevocation sign(AccountIdentity account, long deviceId, Instant at) {
        if (deviceId < 1 || deviceId > MAX_DEVICE_ID) {
            throw new IllegalArgumentException("device id out of range: " + deviceId);
        }
        Instant seconds = Instant.ofEpochSecond(at.getEpochSecond());
        byte[] body = body(deviceId, seconds);
        byte[] signature = account.sign(signed(account.publicKey(), body));
        return new DeviceRevocation(deviceId, seconds, new ByteWriter(LENGTH).bytes(body).bytes(signature)
                .toByteArray());
    }

    /** Parses a statement without checking its signature: see {@link #verify}. */
    public static DeviceRevocation parse(byte[] encoded) throws DeviceStatementException {
        try {
            ByteReader r = new ByteReader(encoded);
            int version = r.u8();
            if (version != VERSION) {
                throw new DeviceStatementException(DeviceStatementException.Kind.UNSUPPORTED_VERSION,
                        "revocation version " + version);
            }
            long deviceId = r.u32();
            if (deviceId < 1 || deviceId > MAX_DEVICE_ID) {
                throw new DeviceStatementException(DeviceStatementException.Kind.MALFORMED, "device id out of range");
            }
            long seconds = r.u64();
            if (seconds < 0 || seconds > Instant.MAX.getEpochSecond()) {
                throw new DeviceStatementException(DeviceStatementException.Kind.MALFORMED, "time out of range");
            }
            r.bytes(Ed25519.SIGNATURE_LENGTH);
            r.expectEnd();
            return new DeviceRevocation(deviceId, Instant.ofEpochSecond(seconds), encoded.clone());
        } catch (MalformedInputException e) {
            throw new DeviceStatementException(DeviceStatementException.Kind.MALFORMED,
                    "revocation: " + e.getMessage());
        }
    }

    /**
     * Checks the signature under {@code account}, the key the peer already trusts for the account. Only public
     * values are involved (statement, key, signature), so the check need not be constant-time.
     */
    public void verify(AccountPublicKey account) throws DeviceStatementException {
        byte[] body = java.util.Arrays.copyOfRange(encoded, 0, LENGTH - Ed25519.SIGNATURE_LENGTH);
        byte[] signature = java.util.Arrays.copyOfRange(encoded, LENGTH - Ed25519.SIGNATURE_LENGTH, LENGTH);
        if (!account.verify(signed(account, body), signature)) {
            throw new DeviceStatementException(DeviceStatementException.Kind.BAD_SIGNATURE, "the revocation of device "
                    + deviceId + " is not signed by account key " + account.fingerprint().shortForm());
        }
    }

    public long deviceId() {
        return deviceId;
    }

    public Instant revokedAt() {
        return revokedAt;
    }

    public byte[] encoded() {
        return encoded.clone();
    }

    /** The bytes the signature covers: label, account key, then the statement up to the signature. */
    static byte[] signed(AccountPublicKey account, byte[] body) {
        return new ByteWriter(LABEL.length + 32 + body.length).bytes(LABEL).bytes(account.bytes()).bytes(body)
                .toByteArray();
    }

    private static byte[] body(long deviceId, Instant at) {
        return new ByteWriter(13).u8(VERSION).u32(deviceId).u64(at.getEpochSecond()).toByteArray();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DeviceRevocation r && java.util.Arrays.equals(r.encoded, encoded);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "DeviceRevocation[device " + deviceId + " at " + revokedAt + "]";
    }
}
