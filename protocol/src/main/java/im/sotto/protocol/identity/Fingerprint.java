package im.sotto.protocol.identity;

import java.util.HexFormat;

/**
 * The full-length fingerprint of an account key: the 32-byte Ed25519 public key itself, shown as 64 hex digits in
 * groups of eight, and as a URI for QR codes. Full length because a truncated fingerprint can be ground; the short
 * string users compare by voice is the SAS, not this.
 */
public final class Fingerprint {
    private static final String QR_PREFIX = "sotto:fp:v1:";
    private final String hex;

    private Fingerprint(String hex) {
        this.hex = hex;
    }

    static Fingerprint of(AccountPublicKey key) {
        return new Fingerprint(HexFormat.of().formatHex(key.bytes()));
    }

    /** 64 hex digits in 8 groups separated by spaces. */
    public String displayForm() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 8) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(hex, i, i + 8);
        }
        return sb.toString();
    }

    /** The content of a QR code: a prefix naming the format, then the full key in hex. */
    public String qrPayload() {
        return QR_PREFIX + hex;
    }

    /** The first group only, for log lines and toString; never for verification. */
    public String shortForm() {
        return hex.substring(0, 8);
    }

    /** Parses a scanned QR payload back to the key it names, or rejects it. */
    public static AccountPublicKey parseQr(String payload) {
        if (payload == null || !payload.startsWith(QR_PREFIX) || payload.length() != QR_PREFIX.length() + 64) {
            throw new IllegalArgumentException("not a Sotto v1 fingerprint QR payload");
        }
        return AccountPublicKey.of(HexFormat.of().parseHex(payload.substring(QR_PREFIX.length())));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fingerprint && hex.equals(((Fingerprint) o).hex);
    }

    @Override
    public int hashCode() {
        return hex.hashCode();
    }

    @Override
    public String toString() {
        return displayForm();
    }
}
