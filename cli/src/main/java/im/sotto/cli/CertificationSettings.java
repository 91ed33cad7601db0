package im.sotto.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.session.ExternalTrust;
import im.sotto.protocol.trust.OpenPgpAccountBinding;

import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;

/**
 * An account's optional external trust, as files in its directory (copied there by {@code sotto certify}): X.509
 * anchors and CRLs and an OpenPGP keyring to check contacts' certifications, and this account's own X.509 chain or
 * OpenPGP binding signature to attach to its handshakes. A missing file is simply not configured.
 */
final class CertificationSettings {
    static final String ANCHORS = "x509-anchors.pem";
    static final String CRLS = "x509-crls.pem";
    static final String CHAIN = "x509-chain.pem";
    static final String KEYRING = "openpgp-keyring.pgp";
    static final String SIGNATURE = "openpgp-binding.sig";

    private CertificationSettings() {
    }

    static ExternalTrust load(Path dir, String jid, AccountPublicKey key) {
        ExternalTrust.Builder trust = ExternalTrust.builder();
        try {
            if (Files.exists(dir.resolve(ANCHORS))) {
                Set<TrustAnchor> anchors = new HashSet<>();
                for (X509Certificate c : certificates(dir.resolve(ANCHORS))) {
                    anchors.add(new TrustAnchor(c, null));
                }
                trust.x509Anchors(anchors);
            }
            if (Files.exists(dir.resolve(CRLS))) {
                trust.crls(crls(dir.resolve(CRLS)));
            }
            if (Files.exists(dir.resolve(KEYRING))) {
                trust.openPgpKeyring(keyring(dir.resolve(KEYRING)));
            }
            if (Files.exists(dir.resolve(CHAIN))) {
                trust.attachX509(certificates(dir.resolve(CHAIN)));
            } else if (Files.exists(dir.resolve(SIGNATURE))) {
                trust.attachOpenPgp(OpenPgpAccountBinding.statement(jid, key), Files.readAllBytes(dir.resolve(SIGNATURE)));
            }
        } catch (IOException | GeneralSecurityException | PGPException | IllegalArgumentException e) {
            throw new CliException(ExitCode.STORE, "the certification settings in " + dir + " cannot be read: "
                    + e.getMessage() + "; fix them with sotto certify", e);
        }
        return trust.build();
    }

    static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> out = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new GeneralSecurityException(file + " holds no certificate");
            }
            return out;
        }
    }

    static List<X509CRL> crls(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509CRL> out = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCRLs(in)) {
                out.add((X509CRL) c);
            }
            return out;
        }
    }

    static PGPPublicKeyRingCollection keyring(Path file) throws IOException, PGPException {
        try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(file))) {
            return new PGPPublicKeyRingCollection(in, new BcKeyFingerprintCalculator());
        }
    }
}
