package im.sotto.protocol.identity;

import im.sotto.protocol.crypto.Ed25519;
import im.sotto.protocol.crypto.Ed25519KeyPair;
import im.sotto.protocol.crypto.X25519;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * An account key's statement that a device key belongs to the account: device id, device public key, the protocol
 * versions and suites the device supports, and a validity window. Encoding (docs/protocol.md, "Device
 * certificate"): format 0x01, account key, device id, device key, versions, suites, not-before, not-after, then an
 * Ed25519 signature over a label and all preceding bytes.
 */
public final class DeviceCertificate {
    public static final int FORMAT = 1;
    /** Versions and suites are small sets; more than this is a malformed certificate, not a bigger one. */
    public static final int MAX_LIST_ENTRIES = 16;
    private static final byte[] SIGNATURE_LABEL = "Sotto v1 device certificate".getBytes(StandardCharsets.US_ASCII);

    private final AccountPublicKey accountKey;
    private final long deviceId;
    private final byte[] deviceKey;
    private final Set<Integer> versions;
    private final Set<Integer> suiteIds;
    private final Instant notBefore;
    private final Instant notAfter;
    private final byte[] encoded;

    private DeviceCertificate(AccountPublicKey accountKey, long deviceId, byte[] deviceKey, Set<Integer> versions,
            Set<Integer> suiteIds, Instant notBefore, Instant notAfter, byte[] encoded) {
        this.accountKey = accountKey;
        this.deviceId = deviceId;
        this.deviceKey = deviceKey;
        this.versions = Collections.unmodifiableSet(new TreeSet<>(versions));
        this.suiteIds = Collections.unmodifiableSet(new TreeSet<>(suiteIds));
        this.notBefore = notBefore;
        this.notAfter = notAfter;
        this.encoded = encoded;
    }

    static DeviceCertificate sign(Ed25519KeyPair signer, AccountPublicKey accountKey, long deviceId,
            byte[] deviceKey, Set<Integer> versions, Set<Integer> suiteIds, Instant notBefore, Instant notAfter) {
        if (deviceKey.length != X25519.KEY_LENGTH || deviceId < 0 || deviceId > 0xffffffffL) {
            throw new IllegalArgumentException("device key must be 32 bytes and device id a u32");
        }
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("validity window is empty");
        }
        byte[] tbs = toBeSigned(accountKey, deviceId, deviceKey, versions, suiteIds, notBefore, notAfter);
        byte[] signature = signer.sign(labelled(tbs));
        byte[] encoded = new ByteWriter().bytes(tbs).bytes(signature).toByteArray();
        return new DeviceCertificate(accountKey, deviceId, deviceKey.clone(), versions, suiteIds, notBefore,
                notAfter, encoded);
    }

    /**
     * Parses and checks the signature (but not the validity window, which depends on the caller's clock: see
     * {@link #checkValidAt(Instant)}).
     */
    public static DeviceCertificate parse(byte[] encoded) throws CertificateException {
        try {
            ByteReader r = new ByteReader(encoded);
            int format = r.u8();
            if (format != FORMAT) {
                throw new CertificateException(CertificateException.Kind.UNSUPPORTED_FORMAT,
                        "device certificate format " + format);
            }
            AccountPublicKey account = AccountPublicKey.of(r.bytes(Ed25519.PUBLIC_KEY_LENGTH));
            long deviceId = r.u32();
            byte[] deviceKey = r.bytes(X25519.KEY_LENGTH);
            Set<Integer> versions = readSet(r, "versions");
            Set<Integer> suites = readSet(r, "suites");
            Instant notBefore = Instant.ofEpochSecond(r.u64());
            Instant notAfter = Instant.ofEpochSecond(r.u64());
            int signedLength = encoded.length - r.remaining();
            byte[] signature = r.bytes(Ed25519.SIGNATURE_LENGTH);
            r.expectEnd();
            byte[] tbs = Arrays.copyOf(encoded, signedLength);
            if (!account.verify(labelled(tbs), signature)) {
                throw new CertificateException(CertificateException.Kind.BAD_SIGNATURE,
                        "device certificate signature does not verify");
            }
            return new DeviceCertificate(account, deviceId, deviceKey, versions, suites, notBefore, notAfter,
                    encoded.clone());
        } catch (MalformedInputException | IllegalArgumentException | java.time.DateTimeException e) {
            throw new CertificateException(CertificateException.Kind.MALFORMED, e.getMessage());
        }
    }

    public void checkValidAt(Instant now) throws CertificateException {
        if (now.isBefore(notBefore)) {
            throw new CertificateException(CertificateException.Kind.NOT_YET_VALID, "certificate not yet valid");
        }
        if (!now.isBefore(notAfter)) {
            throw new CertificateException(CertificateException.Kind.EXPIRED, "certificate expired");
        }
    }

    private static Set<Integer> readSet(ByteReader r, String what) throws MalformedInputException {
        int count = r.u8();
        if (count == 0 || count > MAX_LIST_ENTRIES) {
            throw new MalformedInputException(what + " count out of range: " + count);
        }
        Set<Integer> out = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            if (!out.add(r.u8())) {
                throw new MalformedInputException("duplicate entry in " + what);
            }
        }
        return out;
    }

    private static byte[] toBeSigned(AccountPublicKey account, long deviceId, byte[] deviceKey,
            Set<Integer> versions, Set<Integer> suites, Instant notBefore, Instant notAfter) {
        ByteWriter w = new ByteWriter().u8(FORMAT).bytes(account.bytes()).u32(deviceId).bytes(deviceKey);
        writeSet(w, versions);
        writeSet(w, suites);
        return w.u64(notBefore.getEpochSecond()).u64(notAfter.getEpochSecond()).toByteArray();
    }

    private static void writeSet(ByteWriter w, Set<Integer> values) {
        if (values.isEmpty() || values.size() > MAX_LIST_ENTRIES) {
            throw new IllegalArgumentException("a certificate lists 1 to " + MAX_LIST_ENTRIES + " entries");
        }
        w.u8(values.size());
        new TreeSet<>(values).forEach(w::u8);
    }

    private static byte[] labelled(byte[] tbs) {
        return new ByteWriter().bytes(SIGNATURE_LABEL).bytes(tbs).toByteArray();
    }

    public AccountPublicKey accountKey() {
        return accountKey;
    }

    public long deviceId() {
        return deviceId;
    }

    public byte[] deviceKey() {
        return deviceKey.clone();
    }

    public Set<Integer> versions() {
        return versions;
    }

    public Set<Integer> suiteIds() {
        return suiteIds;
    }

    public Instant notBefore() {
        return notBefore;
    }

    public Instant notAfter() {
        return notAfter;
    }

    public byte[] encoded() {
        return encoded.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeviceCertificate && Arrays.equals(encoded, ((DeviceCertificate) o).encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "DeviceCertificate[account " + accountKey.fingerprint().shortForm() + ", device " + deviceId + "]";
    }
}
