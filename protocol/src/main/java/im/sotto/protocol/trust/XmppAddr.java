package im.sotto.protocol.trust;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.OtherName;

/**
 * The id-on-xmppAddr names of a certificate (RFC 6120 section 13.7.1.4): otherName entries of the subjectAltName
 * with type id 1.3.6.1.5.5.7.8.5 and a UTF8String value. Values that are not bare JIDs (a domain alone, a full JID)
 * name no account and are skipped; an xmppAddr whose value is not a UTF8String, or an undecodable extension, is
 * malformed.
 */
final class XmppAddr {
    /** id-pkix 8 5: id-on-xmppAddr. */
    static final ASN1ObjectIdentifier ID_ON_XMPP_ADDR = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.8.5");

    private XmppAddr() {}

    static final class BadNameException extends Exception {
        private static final long serialVersionUID = 1L;

        BadNameException(String message) {
            super(message);
        }
    }

    static List<BareJid> namesIn(X509Certificate certificate) throws BadNameException {
        byte[] wrapped = certificate.getExtensionValue(Extension.subjectAlternativeName.getId());
        List<BareJid> out = new ArrayList<>();
        if (wrapped == null) {
            return out;
        }
        try {
            byte[] inner = ASN1OctetString.getInstance(ASN1Primitive.fromByteArray(wrapped)).getOctets();
            GeneralNames names = GeneralNames.getInstance(ASN1Primitive.fromByteArray(inner));
            for (GeneralName name : names.getNames()) {
                if (name.getTagNo() != GeneralName.otherName) {
                    continue;
                }
                OtherName other = OtherName.getInstance(name.getName());
                if (!ID_ON_XMPP_ADDR.equals(other.getTypeID())) {
                    continue;
                }
                ASN1Encodable value = other.getValue();
                if (!(value instanceof ASN1UTF8String)) {
                    throw new BadNameException("id-on-xmppAddr value is not a UTF8String");
                }
                BareJid.tryParse(((ASN1UTF8String) value).getString()).ifPresent(out::add);
            }
            return out;
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            throw new BadNameException("subjectAltName does not decode: " + e.getMessage());
        }
    }
}
