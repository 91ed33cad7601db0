package im.sotto.protocol.session;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import im.sotto.protocol.store.Stores;
import im.sotto.protocol.trust.BareJid;
import im.sotto.protocol.trust.CertificationResult;
import im.sotto.protocol.trust.ContactTrust;
import im.sotto.protocol.trust.RejectionReason;
import im.sotto.protocol.trust.TrustException;
import im.sotto.protocol.trust.TrustSource;

/**
 * Records the outcome of checking the certification a contact attached to a handshake in its trust, in the caller's
 * transaction: a valid one raises the contact to CERTIFIED (the core never lets it lower trust or lift a distrust);
 * a rejected one changes nothing and is reported with its reason.
 */
public final class Certifications {
    private Certifications() {
    }

    /** What applying a certification did, for the binding to report. */
    public sealed interface Outcome {
    }

    /** The certification was refused; nothing changed. */
    public record Rejected(TrustSource method, RejectionReason reason, String detail) implements Outcome {
    }

    /** The contact is now certified by {@code issuer} for {@code subject} until {@code validUntil}. */
    public record Certified(TrustSource method, String subject, String issuer, Instant validUntil) implements Outcome {
    }

    /**
     * Applies {@code result} (the binding's check of what {@code peer} attached, against its trust anchors) to the
     * contact's trust; empty when a valid certification added nothing new (the same one is on record).
     */
    public static Optional<Outcome> apply(Stores stores, BareJid peer, CertificationResult result, Clock clock) {
        if (result instanceof CertificationResult.Rejected rejected) {
            return Optional.of(new Rejected(rejected.method(), rejected.reason(), rejected.detail()));
        }
        ContactTrust before = TrustRecords.load(stores, peer, clock).orElseThrow();
        ContactTrust after;
        try {
            after = before.applyCertification(result, clock);
        } catch (TrustException e) {
            return Optional.of(new Rejected(result.method(), e.kind() == TrustException.Kind.JID_MISMATCH
                    ? RejectionReason.WRONG_JID : RejectionReason.WRONG_KEY, e.getMessage()));
        }
        if (after.equals(before)) {
            return Optional.empty();
        }
        TrustRecords.store(stores, peer, after);
        var c = after.certification().orElseThrow();
        return Optional.of(new Certified(c.method(), c.subject(), c.issuer(), c.validUntil()));
    }
}
