package im.sotto.protocol.session;

import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import im.sotto.protocol.handshake.AttachedCertification;
import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.trust.CertificationResult;
import im.sotto.protocol.trust.OpenPgpAccountBinding;
import im.sotto.protocol.trust.RejectionReason;
import im.sotto.protocol.trust.TrustSource;
import im.sotto.protocol.trust.X509AccountBinding;

import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;

/**
 * The optional external trust of an account (docs/protocol.md 4.13 and 8.4-8.5): a certification of its own account
 * key to attach to its handshakes, and what it relies on to check the certifications contacts attach: X.509 trust
 * anchors (with CRLs, if the user has them) and an OpenPGP keyring. Nothing here is required: without it Sotto works
 * on trust on first use and SAS comparison. Immutable.
 */
public final class ExternalTrust {
    /** No certification attached, nothing to check against: every attached certification is rejected. */
    public static final ExternalTrust NONE = builder().build();

    private final AttachedCertification own;
    private final Set<TrustAnchor> anchors;
    private final Optional<List<X509CRL>> crls;
    private final Optional<PGPPublicKeyRingCollection> keyring;

    private ExternalTrust(Builder b) {
        this.own = b.own;
        this.anchors = Set.copyOf(b.anchors);
        this.crls = b.crls.map(List::copyOf);
        this.keyring = b.keyring;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What this account attaches to its handshakes. */
    public Optional<AttachedCertification> attachment() {
        return Optional.ofNullable(own);
    }

    /**
     * Checks a contact's attached certification for its account key and bare JID, at {@code now}: certified only
     * against the anchors or keyring configured here, rejected otherwise (a rejection never changes trust).
     */
    public CertificationResult verify(AttachedCertification attached, AccountPublicKey key, String jid, Instant now) {
        if (attached.kind() == AttachedCertification.Kind.X509) {
            return X509AccountBinding.verify(attached.x509Chain(), key, jid, anchors, now, crls);
        }
        if (keyring.isEmpty()) {
            return new CertificationResult.Rejected(TrustSource.OPENPGP, RejectionReason.NOT_IN_KEYRING,
                    "no OpenPGP keyring configured");
        }
        return OpenPgpAccountBinding.verify(attached.openPgpStatement(), attached.openPgpSignature(), key, jid,
                keyring.get(), now);
    }

    public static final class Builder {
        private AttachedCertification own;
        private Set<TrustAnchor> anchors = Set.of();
        private Optional<Collection<X509CRL>> crls = Optional.empty();
        private Optional<PGPPublicKeyRingCollection> keyring = Optional.empty();

        private Builder() {
        }

        /**
         * Attaches this account's X.509 chain (end entity first; its subject key is the account key, its
         * subjectAltName the account's JID as id-on-xmppAddr).
         *
         * @throws IllegalArgumentException if the chain is larger than {@link AttachedCertification#MAX_LENGTH}
         */
        public Builder attachX509(List<X509Certificate> chain) {
            this.own = AttachedCertification.x509(X509AccountBinding.encodeChain(chain));
            return this;
        }

        /** Attaches this account's OpenPGP binding: {@link OpenPgpAccountBinding#statement} and its signature. */
        public Builder attachOpenPgp(byte[] statement, byte[] signature) {
            this.own = AttachedCertification.openPgp(statement, signature);
            return this;
        }

        /** The X.509 trust anchors contacts' certificates must chain to (none: every X.509 one is rejected). */
        public Builder x509Anchors(Set<TrustAnchor> value) {
            this.anchors = Objects.requireNonNull(value);
            return this;
        }

        /** CRLs covering every certificate of a contact's path; without them revocation is not checked. */
        public Builder crls(Collection<X509CRL> value) {
            this.crls = Optional.of(value);
            return this;
        }

        /** The OpenPGP keys the user relies on to certify contacts' account keys. */
        public Builder openPgpKeyring(PGPPublicKeyRingCollection value) {
            this.keyring = Optional.of(value);
            return this;
        }

        public ExternalTrust build() {
            return new ExternalTrust(this);
        }
    }
}
