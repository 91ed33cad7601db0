package im.sotto.protocol.trust;

import im.sotto.protocol.identity.AccountPublicKey;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.OtherName;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small PKI made in the test: Ed25519 CAs from the JDK, certificates and CRLs built with BouncyCastle. Public for
 * the binding's tests (through the test jar).
 */
public final class TestPki {
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final AtomicLong SERIAL = new AtomicLong(1000);

    /** A certificate authority: its key, its certificate, and what it issues. */
    public static final class Ca {
        final String name;
        final KeyPair keys;
        final X509Certificate certificate;

        Ca(String name, KeyPair keys, X509Certificate certificate) {
            this.name = name;
            this.keys = keys;
            this.certificate = certificate;
        }

        public TrustAnchor anchor() {
            return new TrustAnchor(certificate, null);
        }

        public Set<TrustAnchor> anchors() {
            return Set.of(anchor());
        }

        public Ca intermediate(String name) throws Exception {
            KeyPair k = ed25519();
            X509Certificate c = build(this, SubjectPublicKeyInfo.getInstance(k.getPublic().getEncoded()), name,
                    NOW.minus(Duration.ofDays(30)), NOW.plus(Duration.ofDays(700)), true, null);
            return new Ca(name, k, c);
        }

        public X509Certificate issueAccount(AccountPublicKey key, String xmppAddr, Instant notBefore, Instant notAfter)
                throws Exception {
            return build(this, SubjectPublicKeyInfo.getInstance(Ed25519Spki.encode(key)), "CN=" + xmppAddr,
                    notBefore, notAfter, false, xmppAddr);
        }

        X509Certificate issueAccount(AccountPublicKey key, String xmppAddr) throws Exception {
            return issueAccount(key, xmppAddr, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(90)));
        }

        X509CRL crl(X509Certificate... revoked) throws Exception {
            X509v2CRLBuilder b = new X509v2CRLBuilder(new X500Name(name), Date.from(NOW.minus(Duration.ofHours(1))));
            b.setNextUpdate(Date.from(NOW.plus(Duration.ofDays(7))));
            for (X509Certificate c : revoked) {
                b.addCRLEntry(c.getSerialNumber(), Date.from(NOW.minus(Duration.ofMinutes(30))),
                        CRLReason.keyCompromise);
            }
            return new JcaX509CRLConverter().getCRL(b.build(signer(keys.getPrivate())));
        }
    }

    private TestPki() {}

    public static Ca root(String name) throws Exception {
        KeyPair k = ed25519();
        Ca self = new Ca(name, k, null);
        X509Certificate c = build(self, SubjectPublicKeyInfo.getInstance(k.getPublic().getEncoded()), name,
                NOW.minus(Duration.ofDays(60)), NOW.plus(Duration.ofDays(3650)), true, null);
        return new Ca(name, k, c);
    }

    static KeyPair ed25519() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    private static X509Certificate build(Ca issuer, SubjectPublicKeyInfo spki, String subject, Instant notBefore,
            Instant notAfter, boolean ca, String xmppAddr) throws Exception {
        X509v3CertificateBuilder b = new X509v3CertificateBuilder(new X500Name(issuer.name),
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
                new X500Name(subject), spki);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(ca
                ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
        if (xmppAddr != null) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(
                    GeneralName.otherName, new OtherName(XmppAddr.ID_ON_XMPP_ADDR, new DERUTF8String(xmppAddr)))));
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(signer(issuer.keys.getPrivate())));
    }

    private static ContentSigner signer(PrivateKey key) throws Exception {
        return new JcaContentSignerBuilder("Ed25519").build(key);
    }

    static List<X509Certificate> chain(X509Certificate... certificates) {
        return List.of(certificates);
    }
}
