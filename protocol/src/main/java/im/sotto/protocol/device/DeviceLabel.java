package im.sotto.protocol.device;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

import im.sotto.protocol.crypto.Ed25519;
import im.sotto.protocol.identity.AccountIdentity;
import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;

/**
 * An account key's statement naming one of its devices (docs/protocol.md 7.8): version, device id, when it joined
 * the account, a label the user chose ("laptop"; may be empty), signed like a revocation with the account key bound
 * in but not carried. Signed so that a server cannot swap two labels and steer {@code sotto devices remove} to the
 * wrong device; published apart from the device list, which older readers parse strictly.
 */
public final class DeviceLabel {
    public static final int VERSION = 1;
    /** A name a person reads in a table: 64 bytes of UTF-8 is room for "Alice's work laptop (2026)". */
    public static final int MAX_LABEL_BYTES = 64;
    private static final byte[] SIGNATURE_LABEL = "Sotto v1 device label".getBytes(StandardCharsets.US_ASCII);

    private final long deviceId;
    private final Instant since;
    private final String label;
    private final byte[] encoded;

    private DeviceLabel(long deviceId, Instant since, String label, byte[] encoded) {
        this.deviceId = deviceId;
        this.since = since;
        this.label = label;
        this.encoded = encoded;
    }

    /** Names {@code deviceId}, a device of the account since {@code since} (whole seconds). */
    public static DeviceLabel sign(AccountIdentity account, long deviceId, Instant since, String label) {
        if (deviceId < 1 || deviceId > DeviceRevocation.MAX_DEVICE_ID) {
            throw new IllegalArgumentException("device id out of range: " + deviceId);
        }
        byte[] text = checkedLabel(label);
        byte[] body = new ByteWriter().u8(VERSION).u32(deviceId).u64(since.getEpochSecond()).u8(text.length)
                .bytes(text).toByteArray();
        byte[] signature = account.sign(signed(account.publicKey(), body));
        return new DeviceLabel(deviceId, Instant.ofEpochSecond(since.getEpochSecond()), label,
                new ByteWriter().bytes(body).bytes(signature).toByteArray());
    }

    static DeviceLabel read(ByteReader r) throws DeviceStatementException, MalformedInputException {
        int version = r.u8();
        if (version != VERSION) {
            throw new DeviceStatementException(DeviceStatementException.Kind.UNSUPPORTED_VERSION,
                    "label version " + version);
        }
        long deviceId = r.u32();
        long seconds = r.u64();
        int length = r.u8();
        if (deviceId < 1 || deviceId > DeviceRevocation.MAX_DEVICE_ID || seconds < 0 || length > MAX_LABEL_BYTES) {
            throw new DeviceStatementException(DeviceStatementException.Kind.MALFORMED,
                    "label: device id, time or length");
        }
        byte[] text = r.bytes(length);
        String label = new String(text, StandardCharsets.UTF_8);
        if (!Arrays.equals(label.getBytes(StandardCharsets.UTF_8), text) || label.codePoints()
                .anyMatch(Character::isISOControl)) {
            throw new DeviceStatementException(DeviceStatementException.Kind.MALFORMED, "label is not UTF-8 text");
        }
        byte[] signature = r.bytes(Ed25519.SIGNATURE_LENGTH);
        byte[] encoded = new ByteWriter().u8(version).u32(deviceId).u64(seconds).u8(length).bytes(text)
                .bytes(signature).toByteArray();
        return new DeviceLabel(deviceId, Instant.ofEpochSecond(seconds), label, encoded);
    }

    /** Checks the signature under the account key the reader trusts for the account (public values only). */
    public void verify(AccountPublicKey account) throws DeviceStatementException {
        int bodyLength = encoded.length - Ed25519.SIGNATURE_LENGTH;
        if (!account.verify(signed(account, Arrays.copyOf(encoded, bodyLength)),
                Arrays.copyOfRange(encoded, bodyLength, encoded.length))) {
            throw new DeviceStatementException(DeviceStatementException.Kind.BAD_SIGNATURE,
                    "the label of device " + deviceId
                    + " is not signed by account key " + account.fingerprint().shortForm());
        }
    }

    public long deviceId() {
        return deviceId;
    }

    public Instant since() {
        return since;
    }

    public String label() {
        return label;
    }

    public byte[] encoded() {
        return encoded.clone();
    }

    private static byte[] checkedLabel(String label) {
        byte[] text = label.getBytes(StandardCharsets.UTF_8);
        if (text.length > MAX_LABEL_BYTES || label.codePoints().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("a label is at most " + MAX_LABEL_BYTES
                    + " bytes of UTF-8 without control characters");
        }
        return text;
    }

    private static byte[] signed(AccountPublicKey account, byte[] body) {
        return new ByteWriter().bytes(SIGNATURE_LABEL).bytes(account.bytes()).bytes(body).toByteArray();
    }

    @Override
    public String toString() {
        return "DeviceLabel[device " + deviceId + " since " + since + "]";
    }
}
