package im.sotto.cli;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.OtherName;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A test CA (Ed25519, from the JDK) that certifies Sotto account keys for JIDs, written as PEM files. */
final class TestCertificates {
    /** id-on-xmppAddr, RFC 6120 section 13.7.1.4. */
    private static final ASN1ObjectIdentifier XMPP_ADDR = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.8.5");
    /** The RFC 8410 SubjectPublicKeyInfo prefix of an Ed25519 key. */
    private static final byte[] ED25519_SPKI = HexFormat.of().parseHex("302a300506032b6570032100");

    final String name;
    private final KeyPair keys;
    final X509Certificate root;
    private long serial = 1;

    TestCertificates(String name) throws Exception {
        this.name = name;
        this.keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        this.root = build(SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()), name, true, null);
    }

    /** A certificate for the account key {@code accountKey} (32 bytes) and the bare JID {@code jid}. */
    X509Certificate account(byte[] accountKey, String jid) throws Exception {
        byte[] spki = new byte[ED25519_SPKI.length + accountKey.length];
        System.arraycopy(ED25519_SPKI, 0, spki, 0, ED25519_SPKI.length);
        System.arraycopy(accountKey, 0, spki, ED25519_SPKI.length, accountKey.length);
        return build(SubjectPublicKeyInfo.getInstance(spki), "CN=" + jid, false, jid);
    }

    private X509Certificate build(SubjectPublicKeyInfo spki, String subject, boolean ca, String jid) throws Exception {
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new X509v3CertificateBuilder(new X500Name(name), BigInteger.valueOf(serial++),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))),
                new X500Name(subject), spki);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                : KeyUsage.digitalSignature));
        if (jid != null) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(
                    GeneralName.otherName, new OtherName(XMPP_ADDR, new DERUTF8String(jid)))));
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("Ed25519")
                .build(keys.getPrivate())));
    }

    static Path pem(Path file, X509Certificate certificate) throws Exception {
        String text = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n";
        return Files.writeString(file, text, StandardCharsets.US_ASCII);
    }
}
