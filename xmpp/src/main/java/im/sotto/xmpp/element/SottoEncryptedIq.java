package im.sotto.xmpp.element;

import java.util.Objects;

import org.jivesoftware.smack.packet.IQ;

/**
 * An {@code <iq/>} whose only child is Sotto's {@code <encrypted/>}: requests (get/set) and their responses
 * (result/error) carry their real child element encrypted, so the server sees neither the query nor the answer.
 */
public final class SottoEncryptedIq extends IQ {
    private final SottoEncrypted encrypted;

    public SottoEncryptedIq(IQ.Type type, SottoEncrypted encrypted) {
        super(SottoEncrypted.ELEMENT, SottoEncrypted.NAMESPACE);
        setType(Objects.requireNonNull(type, "type"));
        this.encrypted = Objects.requireNonNull(encrypted, "encrypted");
    }

    public SottoEncrypted encrypted() {
        return encrypted;
    }

    @Override
    protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
        SottoEncrypted.writeKind(xml, encrypted.kind());
        xml.rightAngleBracket();
        xml.append(java.util.Base64.getEncoder().encodeToString(encrypted.payload()));
        return xml;
    }
}
