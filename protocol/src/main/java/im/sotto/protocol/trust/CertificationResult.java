package im.sotto.protocol.trust;

import im.sotto.protocol.identity.AccountPublicKey;
import java.time.Instant;
import java.util.Objects;

/**
 * The outcome of checking an external certification (X.509 or OpenPGP) of an account key. Only the verifiers in
 * this package can create a {@link Certified}; anyone can create a {@link Rejected}, which never changes trust.
 */
public sealed interface CertificationResult permits CertificationResult.Certified, CertificationResult.Rejected {

    /** {@link TrustSource#X509} or {@link TrustSource#OPENPGP}. */
    TrustSource method();

    /** The account key is bound to the JID by a party the user configured, until {@code notAfter}. */
    final class Certified implements CertificationResult {
        private final TrustSource method;
        private final BareJid jid;
        private final AccountPublicKey accountKey;
        private final String subject;
        private final String issuer;
        private final Instant notAfter;
        private final boolean revocationChecked;

        Certified(TrustSource method, BareJid jid, AccountPublicKey accountKey, String subject, String issuer,
                Instant notAfter, boolean revocationChecked) {
            this.method = Objects.requireNonNull(method);
            this.jid = Objects.requireNonNull(jid);
            this.accountKey = Objects.requireNonNull(accountKey);
            this.subject = Objects.requireNonNull(subject);
            this.issuer = Objects.requireNonNull(issuer);
            this.notAfter = Objects.requireNonNull(notAfter);
            this.revocationChecked = revocationChecked;
        }

        @Override
        public TrustSource method() {
            return method;
        }

        public BareJid jid() {
            return jid;
        }

        public AccountPublicKey accountKey() {
            return accountKey;
        }

        /** X.509: the end-entity subject DN (RFC 2253). OpenPGP: the user id, {@code xmpp:JID}. */
        public String subject() {
            return subject;
        }

        /** X.509: the end-entity issuer DN (RFC 2253). OpenPGP: the primary key's fingerprint in hex. */
        public String issuer() {
            return issuer;
        }

        /** The end of the earliest-ending validity among everything the result relied on. */
        public Instant notAfter() {
            return notAfter;
        }

        /** X.509: whether CRLs were checked (false when the user supplied none). OpenPGP: always true (keyring). */
        public boolean revocationChecked() {
            return revocationChecked;
        }

        @Override
        public String toString() {
            return "Certified[" + method + " " + jid + " " + accountKey + " subject=" + subject + " issuer=" + issuer
                    + " notAfter=" + notAfter + "]";
        }
    }

    /** The certification did not hold; {@code detail} is for logs and the user, {@code reason} for code. */
    record Rejected(TrustSource method, RejectionReason reason, String detail) implements CertificationResult {
        public Rejected {
            Objects.requireNonNull(method);
            Objects.requireNonNull(reason);
            Objects.requireNonNull(detail);
        }
    }
}
