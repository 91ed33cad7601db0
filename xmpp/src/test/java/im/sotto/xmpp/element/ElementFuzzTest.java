package im.sotto.xmpp.element;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import im.sotto.protocol.testing.FuzzCorpus;
import im.sotto.xmpp.XmlFuzz;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.junit.jupiter.api.Test;

/**
 * Fuzz tests of the {@code <encrypted/>} providers (docs/reliability.md, "Fuzzing"): arbitrary XML yields the
 * element or Smack's typed parsing exceptions, and an element that parses round-trips.
 */
class ElementFuzzTest {
    private static final String NS = SottoEncrypted.NAMESPACE;

    @FuzzTest
    void encrypted(byte[] data) {
        XmlFuzz.parseAndRoundTrip(data, SottoEncryptedProvider.INSTANCE);
    }

    @FuzzTest
    void encryptedIq(byte[] data) {
        SottoEncryptedIq iq = XmlFuzz.parseOrNull(data, parser -> SottoEncryptedIqProvider.INSTANCE.parse(parser,
                StanzaBuilder.buildIqData("fuzz").ofType(IQ.Type.set)));
        if (iq != null) {
            assertEquals(IQ.Type.set, iq.getType());
        }
    }

    @Test
    void seedCorpusIsCurrent() {
        FuzzCorpus.assertCurrent("xmpp", ElementFuzzTest.class, seeds());
    }

    static Map<String, Map<String, byte[]>> seeds() {
        Map<String, byte[]> valid = new LinkedHashMap<>();
        for (SottoEncrypted.Kind kind : SottoEncrypted.Kind.values()) {
            valid.put(kind.wireName(), utf8(new SottoEncrypted(kind, new byte[] {1, 2, 3, 4, 5}).toXML().toString()));
        }
        valid.put("prefixed", utf8("<s:encrypted xmlns:s='" + NS + "' kind='ratchet'>AQID</s:encrypted>"));
        valid.put("entity", utf8("<!DOCTYPE e [<!ENTITY x 'AQID'>]><encrypted xmlns='" + NS
                + "' kind='ratchet'>&x;</encrypted>"));
        valid.put("cdata", utf8("<encrypted xmlns='" + NS + "' kind='ratchet'><![CDATA[AQID]]><!-- c --></encrypted>"));
        Map<String, Map<String, byte[]>> seeds = new LinkedHashMap<>();
        seeds.put("encrypted", valid);
        seeds.put("encryptedIq", valid);
        return seeds;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
