package im.sotto.protocol.trust;

import java.time.Instant;
import java.util.Objects;

/**
 * A certification that raised a contact to {@link TrustLevel#CERTIFIED}, as remembered in its trust record: the
 * method, who was certified by whom (for display), when it was checked, and until when it counts.
 */
public record Certification(TrustSource method, String subject, String issuer, Instant checkedAt,
        Instant validUntil) {
    /** Subject and issuer are for display; longer text is cut by the codec's limit rather than stored. */
    public static final int MAX_TEXT_BYTES = 1024;

    public Certification {
        Objects.requireNonNull(method);
        Objects.requireNonNull(subject);
        Objects.requireNonNull(issuer);
        Objects.requireNonNull(checkedAt);
        Objects.requireNonNull(validUntil);
        if (method != TrustSource.X509 && method != TrustSource.OPENPGP) {
            throw new IllegalArgumentException("a certification is X.509 or OpenPGP, not " + method);
        }
    }

    public boolean isValidAt(Instant now) {
        return now.isBefore(validUntil);
    }
}
