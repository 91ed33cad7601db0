package im.sotto.protocol.device;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalLong;

import im.sotto.protocol.crypto.Ed25519;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;

/**
 * An account key's statement that one of its Sotto devices is also the OMEMO 0.3 and/or OMEMO 2 device with the
 * given ids (docs/protocol.md 10.13): its OMEMO side. A peer that sends Sotto to such a device leaves those OMEMO ids
 * out of the OMEMO element it adds for the account's OMEMO-only devices, so the Sotto device never gets a second copy
 * (and a revoked Sotto device is not reached through its OMEMO side). Signed like a revocation (7.7): the account key
 * bound in, not carried; id 0 means "no such side".
 */
public final class OmemoSide {
    public static final int VERSION = 1;
    /** version, Sotto device id, OMEMO 0.3 id, OMEMO 2 id, signature. */
    public static final int LENGTH = 1 + 4 + 4 + 4 + Ed25519.SIGNATURE_LENGTH;
    private static final byte[] SIGNATURE_LABEL = "Sotto v1 OMEMO side".getBytes(StandardCharsets.US_ASCII);

    private final long deviceId;
    private final long omemo03;
    private final long omemo2;
    private final byte[] encoded;

    private OmemoSide(long deviceId, long omemo03, long omemo2, byte[] encoded) {
        this.deviceId = deviceId;
        this.omemo03 = omemo03;
        this.omemo2 = omemo2;
        this.encoded = encoded;
    }

    /**
     * States that Sotto device {@code deviceId} is OMEMO 0.3 device {@code omemo03} and OMEMO 2 device {@code omemo2}
     * (0: no such side).
     */
    public static OmemoSide sign(AccountIdentity account, long deviceId, long omemo03, long omemo2) {
        if (!validDevice(deviceId) || !validSide(omemo03) || !validSide(omemo2)) {
            throw new IllegalArgumentException("device ids out of range: " + deviceId + ", " + omemo03 + ", " + omemo2);
        }
        byte[] body = body(deviceId, omemo03, omemo2);
        byte[] signature = account.sign(signed(account.publicKey(), body));
        return new OmemoSide(deviceId, omemo03, omemo2, new ByteWriter().bytes(body).bytes(signature).toByteArray());
    }

    static OmemoSide read(ByteReader r) throws DeviceStatementException, MalformedInputException {
        int version = r.u8();
        if (version != VERSION) {
            throw new DeviceStatementException(DeviceStatementException.Kind.UNSUPPORTED_VERSION,
                    "OMEMO side version " + version);
        }
        long deviceId = r.u32();
        long omemo03 = r.u32();
        long omemo2 = r.u32();
        if (!validDevice(deviceId) || !validSide(omemo03) || !validSide(omemo2)) {
            throw new DeviceStatementException(DeviceStatementException.Kind.MALFORMED, "OMEMO side: device ids");
        }
        byte[] signature = r.bytes(Ed25519.SIGNATURE_LENGTH);
        return new OmemoSide(deviceId, omemo03, omemo2,
                new ByteWriter().bytes(body(deviceId, omemo03, omemo2)).bytes(signature).toByteArray());
    }

    /** Checks the signature under the account key the reader trusts for the account (public values only). */
    public void verify(AccountPublicKey account) throws DeviceStatementException {
        int bodyLength = encoded.length - Ed25519.SIGNATURE_LENGTH;
        if (!account.verify(signed(account, Arrays.copyOf(encoded, bodyLength)),
                Arrays.copyOfRange(encoded, bodyLength, encoded.length))) {
            throw new DeviceStatementException(DeviceStatementException.Kind.BAD_SIGNATURE, "the OMEMO side of "
                    + "device " + deviceId + " is not signed by account key " + account.fingerprint().shortForm());
        }
    }

    /** The Sotto device. */
    public long deviceId() {
        return deviceId;
    }

    public OptionalLong omemo03() {
        return omemo03 == 0 ? OptionalLong.empty() : OptionalLong.of(omemo03);
    }

    public OptionalLong omemo2() {
        return omemo2 == 0 ? OptionalLong.empty() : OptionalLong.of(omemo2);
    }

    public byte[] encoded() {
        return encoded.clone();
    }

    private static boolean validDevice(long id) {
        return id >= 1 && id <= DeviceRevocation.MAX_DEVICE_ID;
    }

    private static boolean validSide(long id) {
        return id == 0 || validDevice(id);
    }

    private static byte[] body(long deviceId, long omemo03, long omemo2) {
        return new ByteWriter().u8(VERSION).u32(deviceId).u32(omemo03).u32(omemo2).toByteArray();
    }

    private static byte[] signed(AccountPublicKey account, byte[] body) {
        return new ByteWriter().bytes(SIGNATURE_LABEL).bytes(account.bytes()).bytes(body).toByteArray();
    }

    @Override
    public String toString() {
        return "OmemoSide[device " + deviceId + ": OMEMO 0.3 " + omemo03 + ", OMEMO 2 " + omemo2 + "]";
    }
}
