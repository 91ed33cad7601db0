package im.sotto.xmpp.element;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.xmpp.SottoProviders;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.util.PacketParserUtils;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

class SottoEncryptedIqTest {
    @Test
    void iqIsWrittenAndParsedBackThroughTheRegisteredProvider() throws Exception {
        SottoProviders.register();
        SottoEncryptedIq iq = new SottoEncryptedIq(IQ.Type.get, new SottoEncrypted(SottoEncrypted.Kind.RATCHET, new byte[] {9}));
        iq.setTo(JidCreate.from("bob@example.org/phone"));
        iq.setStanzaId("q1");
        String xml = "<iq xmlns='jabber:client' to='bob@example.org/phone' id='q1' type='get'>"
                + "<encrypted xmlns='https://sotto.im/protocol/1'>CQ==</encrypted></iq>";
        assertEquals(xml, iq.toXML().toString());
        Stanza parsed = PacketParserUtils.parseStanza(xml);
        assertTrue(parsed instanceof SottoEncryptedIq, parsed.getClass().getName());
        assertEquals(iq.encrypted(), ((SottoEncryptedIq) parsed).encrypted());
    }
}
