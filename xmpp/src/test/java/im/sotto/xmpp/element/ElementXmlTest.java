package im.sotto.xmpp.element;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;

import im.sotto.xmpp.pep.BundleElement;
import im.sotto.xmpp.pep.BundleElementProvider;
import im.sotto.xmpp.pep.DeviceId;
import im.sotto.xmpp.pep.DeviceListElement;
import im.sotto.xmpp.pep.DeviceListElementProvider;

import org.jivesoftware.smack.provider.Provider;
import org.jivesoftware.smack.util.PacketParserUtils;
import org.junit.jupiter.api.Test;

/** Each element written as literal XML and parsed back; malformed variants are typed errors. */
class ElementXmlTest {
    private static final String NS = "https://sotto.im/protocol/1";

    @Test
    void encryptedElementIsWrittenAndParsedBack() throws Exception {
        SottoEncrypted element = new SottoEncrypted(SottoEncrypted.Kind.FIRST_MESSAGE,
                "hello".getBytes(StandardCharsets.UTF_8));
        String xml = "<encrypted xmlns='" + NS + "' kind='first-message'>aGVsbG8=</encrypted>";
        assertEquals(xml, element.toXML().toString());
        assertEquals(element, parse(SottoEncryptedProvider.INSTANCE, xml));
    }

    /** A ratchet message, the common kind, is written without {@code kind}; a missing kind reads as ratchet. */
    @Test
    void aRatchetMessageLeavesItsKindOut() throws Exception {
        SottoEncrypted ratchet = new SottoEncrypted(SottoEncrypted.Kind.RATCHET, "hello".getBytes(StandardCharsets.UTF_8));
        String xml = "<encrypted xmlns='" + NS + "'>aGVsbG8=</encrypted>";
        assertEquals(xml, ratchet.toXML().toString());
        assertEquals(ratchet, parse(SottoEncryptedProvider.INSTANCE, xml));
        assertEquals(ratchet, parse(SottoEncryptedProvider.INSTANCE,
                "<encrypted xmlns='" + NS + "' kind='ratchet'>aGVsbG8=</encrypted>"), "the explicit form still reads");
        SottoEncrypted handshake = new SottoEncrypted(SottoEncrypted.Kind.HANDSHAKE, new byte[] {1});
        assertEquals("<encrypted xmlns='" + NS + "' kind='handshake'>AQ==</encrypted>", handshake.toXML().toString());
    }

    @Test
    void encryptedElementRejectsWhatItDoesNotDefine() {
        for (String bad : List.of(
                "<encrypted xmlns='" + NS + "' kind=''>aGVsbG8=</encrypted>",
                "<encrypted xmlns='" + NS + "' kind='other'>aGVsbG8=</encrypted>",
                "<encrypted xmlns='" + NS + "' sid='7'>aGVsbG8=</encrypted>",
                "<encrypted xmlns='" + NS + "'></encrypted>",
                "<encrypted xmlns='" + NS + "' kind='ratchet' sid='7'>aGVsbG8=</encrypted>",
                "<encrypted xmlns='" + NS + "' kind='ratchet'>aGVs bG8=</encrypted>",
                "<encrypted xmlns='" + NS + "' kind='ratchet'></encrypted>",
                "<encrypted xmlns='" + NS + "' kind='ratchet'><x/></encrypted>",
                "<encrypted xmlns='" + NS + "' kind='ratchet'>"
                        + "A".repeat(StrictXml.base64Length(SottoEncrypted.MAX_PAYLOAD_BYTES) + 4) + "</encrypted>")) {
            assertThrows(SottoParsingException.class, () -> parse(SottoEncryptedProvider.INSTANCE, bad), bad);
        }
    }

    @Test
    void explicitEncryptionHintIsWrittenAndParsedBack() throws Exception {
        String xml = "<encryption xmlns='urn:xmpp:eme:0' namespace='" + NS + "' name='Sotto'/>";
        assertEquals(xml, ExplicitEncryption.SOTTO.toXML().toString());
        assertEquals(ExplicitEncryption.SOTTO, parse(ExplicitEncryptionProvider.INSTANCE, xml));
        assertThrows(SottoParsingException.class,
                () -> parse(ExplicitEncryptionProvider.INSTANCE, "<encryption xmlns='urn:xmpp:eme:0' name='x'/>"));
    }

    @Test
    void processingHintsAreWrittenAndParsedBack() throws Exception {
        for (ProcessingHint hint : ProcessingHint.values()) {
            String xml = "<" + hint.getElementName() + " xmlns='urn:xmpp:hints'/>";
            assertEquals(xml, hint.toXML().toString());
            assertEquals(hint, parse(new ProcessingHintProvider(hint), xml));
        }
        assertThrows(SottoParsingException.class, () -> parse(new ProcessingHintProvider(ProcessingHint.STORE),
                "<store xmlns='urn:xmpp:hints'>yes</store>"));
    }

    @Test
    void bundleAndDeviceListAreWrittenAndParsedBack() throws Exception {
        BundleElement bundle = new BundleElement(new byte[] {1, 2, 3});
        String bundleXml = "<bundle xmlns='" + NS + "'>AQID</bundle>";
        assertEquals(bundleXml, bundle.toXML().toString());
        assertArrayEquals(new byte[] {1, 2, 3}, parse(BundleElementProvider.INSTANCE, bundleXml).bundle());

        DeviceListElement list = new DeviceListElement(List.of(DeviceId.of(7), DeviceId.of(2147483647)));
        String listXml = "<devices xmlns='" + NS + "'><device id='7'/><device id='2147483647'/></devices>";
        assertEquals(listXml, list.toXML().toString());
        assertEquals(list, parse(DeviceListElementProvider.INSTANCE, listXml));
    }

    @Test
    void deviceListRejectsDuplicatesBadIdsAndStrangers() {
        for (String bad : List.of(
                "<devices xmlns='" + NS + "'><device id='7'/><device id='7'/></devices>",
                "<devices xmlns='" + NS + "'><device id='07'/></devices>",
                "<devices xmlns='" + NS + "'><device id='0'/></devices>",
                "<devices xmlns='" + NS + "'><device id='2147483648'/></devices>",
                "<devices xmlns='" + NS + "'><device/></devices>",
                "<devices xmlns='" + NS + "'><phone id='1'/></devices>")) {
            assertThrows(SottoParsingException.class, () -> parse(DeviceListElementProvider.INSTANCE, bad), bad);
        }
    }

    private static <E extends org.jivesoftware.smack.packet.Element> E parse(Provider<E> provider, String xml)
            throws Exception {
        return provider.parse(PacketParserUtils.getParserFor(xml));
    }
}
