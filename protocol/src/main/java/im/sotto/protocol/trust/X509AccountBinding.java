package im.sotto.protocol.trust;

import im.sotto.protocol.identity.AccountPublicKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * Checks that an X.509 certificate binds an account key to a JID, for {@link TrustLevel#CERTIFIED}: the end-entity
 * certificate's subject public key is the account's Ed25519 key (RFC 8410), its subjectAltName has an otherName
 * id-on-xmppAddr (RFC 6120 section 13.7.1.4) equal to the contact's bare JID, and the chain validates with the
 * JDK's PKIX validator against trust anchors the user configured, at the caller's time, with revocation checked
 * against CRLs the user supplied (never fetched). Never throws on bad input: every failure is a typed rejection.
 */
public final class X509AccountBinding {
    /** End entity, at most two intermediates and a root: more is not a personal certificate. */
    public static final int MAX_CHAIN_CERTIFICATES = 4;
    /** Room for four certificates with ordinary extensions; a larger chain is refused before parsing. */
    public static final int MAX_CHAIN_BYTES = 16 * 1024;

    private X509AccountBinding() {}

    /**
     * Verifies a chain encoded as concatenated DER certificates, end entity first (the form it travels in, see
     * {@link #encodeChain}).
     *
     * @param crls empty: revocation is not checked (the result says so); present: every certificate of the path
     *     must be covered by one of these CRLs, else {@link RejectionReason#REVOCATION_UNKNOWN}
     */
    public static CertificationResult verify(byte[] chainDer, AccountPublicKey expected, String expectedJid,
            Set<TrustAnchor> anchors, Instant now, Optional<? extends Collection<X509CRL>> crls) {
        List<X509Certificate> chain;
        try {
            chain = DerChain.parse(chainDer, MAX_CHAIN_CERTIFICATES, MAX_CHAIN_BYTES);
        } catch (DerChain.BadChainException e) {
            return reject(RejectionReason.MALFORMED, e.getMessage());
        }
        return verify(chain, expected, expectedJid, anchors, now, crls);
    }

    /** Verifies an already parsed chain, end entity first. */
    public static CertificationResult verify(List<X509Certificate> chain, AccountPublicKey expected,
            String expectedJid, Set<TrustAnchor> anchors, Instant now, Optional<? extends Collection<X509CRL>> crls) {
        BareJid jid = BareJid.parse(expectedJid);
        if (chain.isEmpty() || chain.size() > MAX_CHAIN_CERTIFICATES) {
            return reject(RejectionReason.MALFORMED, "chain of " + chain.size() + " certificates");
        }
        X509Certificate endEntity = chain.get(0);
        Optional<AccountPublicKey> certified = Ed25519Spki.accountKey(endEntity.getPublicKey().getEncoded());
        if (certified.isEmpty()) {
            return reject(RejectionReason.WRONG_KEY, "subject public key is not an Ed25519 key (RFC 8410)");
        }
        if (!certified.get().equals(expected)) {
            return reject(RejectionReason.WRONG_KEY, "certificate is for " + certified.get() + ", not " + expected);
        }
        List<BareJid> names;
        try {
            names = XmppAddr.namesIn(endEntity);
        } catch (XmppAddr.BadNameException e) {
            return reject(RejectionReason.MALFORMED, e.getMessage());
        }
        if (!names.contains(jid)) {
            return reject(RejectionReason.WRONG_JID, "certificate names " + names + ", not " + jid);
        }
        if (anchors.isEmpty()) {
            return reject(RejectionReason.UNTRUSTED_ANCHOR, "no trust anchor configured");
        }
        return validatePath(chain, jid, expected, anchors, now, crls);
    }

    /** Concatenated DER, end entity first: the attachment form. */
    public static byte[] encodeChain(List<X509Certificate> chain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            for (X509Certificate c : chain) {
                out.writeBytes(c.getEncoded());
            }
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded", e);
        }
        return out.toByteArray();
    }

    private static CertificationResult validatePath(List<X509Certificate> chain, BareJid jid,
            AccountPublicKey key, Set<TrustAnchor> anchors, Instant now, Optional<? extends Collection<X509CRL>> crls) {
        List<X509Certificate> path = withoutAnchors(chain, anchors);
        try {
            CertPathValidator validator = CertPathValidator.getInstance("PKIX");
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters params = new PKIXParameters(anchors);
            params.setDate(Date.from(now));
            if (crls.isPresent()) {
                params.addCertStore(CertStore.getInstance("Collection",
                        new CollectionCertStoreParameters(new ArrayList<>(crls.get()))));
                PKIXRevocationChecker revocation = (PKIXRevocationChecker) validator.getRevocationChecker();
                revocation.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS,
                        PKIXRevocationChecker.Option.NO_FALLBACK));
                params.setRevocationEnabled(true);
                params.addCertPathChecker(revocation);
            } else {
                params.setRevocationEnabled(false);
            }
            PKIXCertPathValidatorResult result = (PKIXCertPathValidatorResult) validator.validate(certPath, params);
            Instant notAfter = earliestNotAfter(path, result.getTrustAnchor());
            X509Certificate ee = chain.get(0);
            return new CertificationResult.Certified(TrustSource.X509, jid, key,
                    ee.getSubjectX500Principal().getName(X500Principal.RFC2253),
                    ee.getIssuerX500Principal().getName(X500Principal.RFC2253), notAfter, crls.isPresent());
        } catch (CertPathValidatorException e) {
            return reject(reasonOf(e), String.valueOf(e.getMessage()));
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            return reject(RejectionReason.INVALID_PATH, String.valueOf(e.getMessage()));
        }
    }

    /** A chain may carry its root; PKIX wants the path without the anchor itself. */
    private static List<X509Certificate> withoutAnchors(List<X509Certificate> chain, Set<TrustAnchor> anchors) {
        List<X509Certificate> path = new ArrayList<>(chain);
        while (path.size() > 1 && isAnchor(path.get(path.size() - 1), anchors)) {
            path.remove(path.size() - 1);
        }
        return path;
    }

    private static boolean isAnchor(X509Certificate c, Set<TrustAnchor> anchors) {
        return anchors.stream().anyMatch(a -> c.equals(a.getTrustedCert()));
    }

    private static Instant earliestNotAfter(List<X509Certificate> path, TrustAnchor anchor) {
        Instant earliest = Instant.MAX;
        List<X509Certificate> all = new ArrayList<>(path);
        if (anchor.getTrustedCert() != null) {
            all.add(anchor.getTrustedCert());
        }
        for (X509Certificate c : all) {
            Instant t = c.getNotAfter().toInstant();
            if (t.isBefore(earliest)) {
                earliest = t;
            }
        }
        return earliest;
    }

    private static RejectionReason reasonOf(CertPathValidatorException e) {
        CertPathValidatorException.Reason reason = e.getReason();
        if (reason == CertPathValidatorException.BasicReason.EXPIRED) {
            return RejectionReason.EXPIRED;
        }
        if (reason == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
            return RejectionReason.NOT_YET_VALID;
        }
        if (reason == CertPathValidatorException.BasicReason.REVOKED) {
            return RejectionReason.REVOKED;
        }
        if (reason == CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS) {
            return RejectionReason.REVOCATION_UNKNOWN;
        }
        if (reason == CertPathValidatorException.BasicReason.INVALID_SIGNATURE) {
            return RejectionReason.BAD_SIGNATURE;
        }
        if (reason == PKIXReason.NO_TRUST_ANCHOR) {
            return RejectionReason.UNTRUSTED_ANCHOR;
        }
        return RejectionReason.INVALID_PATH;
    }

    private static CertificationResult reject(RejectionReason reason, String detail) {
        return new CertificationResult.Rejected(TrustSource.X509, reason, detail);
    }

    /** Parsing of the attachment form, strict: DER SEQUENCEs back to back, nothing else. */
    static final class DerChain {
        private DerChain() {}

        static final class BadChainException extends Exception {
            private static final long serialVersionUID = 1L;

            BadChainException(String message) {
                super(message);
            }
        }

        static List<X509Certificate> parse(byte[] der, int maxCertificates, int maxBytes) throws BadChainException {
            if (der == null || der.length == 0 || der.length > maxBytes) {
                throw new BadChainException("chain empty or longer than " + maxBytes + " bytes");
            }
            List<X509Certificate> out = new ArrayList<>();
            int pos = 0;
            while (pos < der.length) {
                if (out.size() == maxCertificates) {
                    throw new BadChainException("more than " + maxCertificates + " certificates");
                }
                int end = pos + tlvLength(der, pos);
                byte[] one = java.util.Arrays.copyOfRange(der, pos, end);
                out.add(certificate(one));
                pos = end;
            }
            return out;
        }

        /** Length of the DER SEQUENCE at {@code pos}, header included; definite minimal lengths only. */
        private static int tlvLength(byte[] d, int pos) throws BadChainException {
            if (d.length - pos < 2 || (d[pos] & 0xff) != 0x30) {
                throw new BadChainException("not a DER SEQUENCE at offset " + pos);
            }
            int first = d[pos + 1] & 0xff;
            int header;
            int length;
            if (first < 0x80) {
                header = 2;
                length = first;
            } else if (first == 0x81 || first == 0x82) {
                int n = first & 0x7f;
                if (d.length - pos < 2 + n) {
                    throw new BadChainException("truncated length at offset " + pos);
                }
                length = 0;
                for (int i = 0; i < n; i++) {
                    length = (length << 8) | (d[pos + 2 + i] & 0xff);
                }
                if (length < 0x80 || (n == 2 && length < 0x100)) {
                    throw new BadChainException("non-minimal DER length at offset " + pos);
                }
                header = 2 + n;
            } else {
                throw new BadChainException("unsupported DER length form at offset " + pos);
            }
            if (d.length - pos - header < length) {
                throw new BadChainException("truncated certificate at offset " + pos);
            }
            return header + length;
        }

        private static X509Certificate certificate(byte[] one) throws BadChainException {
            try {
                X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(one));
                if (!java.util.Arrays.equals(c.getEncoded(), one)) {
                    throw new BadChainException("certificate is not in DER");
                }
                return c;
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new BadChainException("certificate does not parse: " + e.getMessage());
            }
        }
    }
}
