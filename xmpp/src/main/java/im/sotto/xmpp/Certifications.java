package im.sotto.xmpp;

import java.util.Optional;

import im.sotto.protocol.handshake.AttachedCertification;
import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.session.TrustRecords;
import im.sotto.protocol.store.Stores;
import im.sotto.protocol.trust.CertificationResult;
import im.sotto.protocol.trust.ContactTrust;
import im.sotto.protocol.trust.RejectionReason;
import im.sotto.protocol.trust.TrustException;

import org.jxmpp.jid.BareJid;

/**
 * Checks the certification a contact attached to a handshake and records the outcome in its trust, in the caller's
 * transaction: a valid one raises the contact to CERTIFIED (the core never lets it lower trust or lift a distrust);
 * a rejected one changes nothing and is reported with its reason.
 */
final class Certifications {
    private Certifications() {
    }

    /** The event to report; empty when a valid certification added nothing new (the same one is on record). */
    static Optional<SecurityEvent> check(SottoAccount account, Stores stores, BareJid peer, AccountPublicKey key,
            AttachedCertification attached) {
        CertificationResult result = account.externalTrust().verify(attached, key, peer.toString(),
                account.clock().instant());
        if (result instanceof CertificationResult.Rejected rejected) {
            return Optional.of(new SecurityEvent.CertificationRejected(peer, rejected.method(), rejected.reason(),
                    rejected.detail()));
        }
        ContactTrust before = TrustRecords.load(stores, CoreJid.of(peer), account.clock()).orElseThrow();
        ContactTrust after;
        try {
            after = before.applyCertification(result, account.clock());
        } catch (TrustException e) {
            return Optional.of(new SecurityEvent.CertificationRejected(peer, result.method(),
                    e.kind() == TrustException.Kind.JID_MISMATCH ? RejectionReason.WRONG_JID
                            : RejectionReason.WRONG_KEY,
                    e.getMessage()));
        }
        if (after.equals(before)) {
            return Optional.empty();
        }
        TrustRecords.store(stores, CoreJid.of(peer), after);
        var c = after.certification().orElseThrow();
        return Optional.of(new SecurityEvent.Certified(peer, c.method(), c.subject(), c.issuer(), c.validUntil()));
    }
}
