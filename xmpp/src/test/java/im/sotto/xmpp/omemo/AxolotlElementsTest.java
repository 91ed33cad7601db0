package im.sotto.xmpp.omemo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Set;

import im.sotto.protocol.omemo.InMemoryOmemoStore;
import im.sotto.protocol.omemo.OmemoBundle;
import im.sotto.protocol.omemo.OmemoMessage;
import im.sotto.protocol.omemo.OmemoPreKeys;

import org.jivesoftware.smack.util.PacketParserUtils;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The OMEMO 0.3 elements as other clients write them, and every malformed shape refused with a reason. */
class AxolotlElementsTest {
    private static final String NS = Axolotl.NAMESPACE;

    static AxolotlEncrypted encrypted(String xml) throws Exception {
        XmlPullParser parser = PacketParserUtils.getParserFor(xml);
        return AxolotlEncryptedProvider.INSTANCE.parse(parser, parser.getDepth(), null);
    }

    @Test
    void aMessageAsClientsWriteItParses() throws Exception {
        AxolotlEncrypted e = encrypted("<encrypted xmlns='" + NS + "'>\n <header sid='27183'>\n"
                + "  <key prekey='true' rid='31415'>AQID</key>\n  <key rid='42'>BAUG\nBw==</key>\n"
                + "  <iv>AAECAwQFBgcICQoL</iv>\n </header>\n <payload>qrvM</payload>\n</encrypted>");
        OmemoMessage m = e.message().orElseThrow();
        assertEquals(27183, m.senderDeviceId());
        assertEquals(2, m.keys().size());
        assertTrue(m.keys().get(0).preKey());
        assertEquals(31415, m.keys().get(0).recipientDeviceId());
        assertFalse(m.keys().get(1).preKey());
        assertArrayEquals(new byte[] {4, 5, 6, 7}, m.keys().get(1).data(), "line breaks in base64 are tolerated");
        assertEquals(12, m.iv().length);
        assertArrayEquals(new byte[] {(byte) 0xaa, (byte) 0xbb, (byte) 0xcc}, m.payload().orElseThrow());
    }

    @Test
    void aKeyTransportElementHasNoPayloadAndA16ByteIvIsKept() throws Exception {
        OmemoMessage m = encrypted("<encrypted xmlns='" + NS + "'><header sid='1'><key rid='2'>AQID</key>"
                + "<iv>AAECAwQFBgcICQoLDA0ODw==</iv></header></encrypted>").message().orElseThrow();
        assertTrue(m.isKeyTransport());
        assertEquals(16, m.iv().length);
    }

    @Test
    void whatWeWriteParsesBackEqual() throws Exception {
        OmemoMessage m = encrypted("<encrypted xmlns='" + NS + "'><header sid='9'><key rid='2' prekey='1'>AQID</key>"
                + "<iv>AAECAwQFBgcICQoL</iv></header><payload>qrvM</payload></encrypted>").message().orElseThrow();
        String written = AxolotlEncrypted.of(m).toXML().toString();
        assertTrue(written.contains("prekey='true'") || written.contains("prekey=\"true\""), written);
        OmemoMessage again = encrypted(written).message().orElseThrow();
        assertEquals(m.senderDeviceId(), again.senderDeviceId());
        assertEquals(m.keys(), again.keys());
        assertArrayEquals(m.iv(), again.iv());
        assertArrayEquals(m.payload().orElseThrow(), again.payload().orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<header><key rid='2'>AQID</key><iv>AAAA</iv></header>",
        "<header sid='0'><key rid='2'>AQID</key><iv>AAAA</iv></header>",
        "<header sid='-1'><key rid='2'>AQID</key><iv>AAAA</iv></header>",
        "<header sid='2147483648'><key rid='2'>AQID</key><iv>AAAA</iv></header>",
        "<header sid=' 7'><key rid='2'>AQID</key><iv>AAAA</iv></header>",
        "<header sid='1'><iv>AAAA</iv></header>",
        "<header sid='1'><key rid='2'>AQID</key></header>",
        "<header sid='1'><key rid='2'>AQID</key><iv>AAAA</iv><iv>AAAA</iv></header>",
        "<header sid='1'><key>AQID</key><iv>AAAA</iv></header>",
        "<header sid='1'><key rid='2' prekey='maybe'>AQID</key><iv>AAAA</iv></header>",
        "<header sid='1'><key rid='2'>not base64!</key><iv>AAAA</iv></header>",
        "<header sid='1'><key rid='2'><b/>AQID</key><iv>AAAA</iv></header>",
        "<header sid='1'><key rid='2'>AQID</key><iv>AAAA</iv><extra/></header>",
        "<header sid='1'><key rid='2'>AQID</key><iv>AAAA</iv></header><header sid='1'/>",
        "<header sid='1'><key rid='2'>AQID</key><iv>AAAA</iv></header><payload>AA</payload><payload>AA</payload>",
        "<header sid='1'><key rid='2'>AQID</key><iv>AAAA</iv></header><other/>",
        "<payload>AAAA</payload>"
    })
    void malformedShapesAreRefusedWithAReasonAndTheParserEndsOnTheElement(String inner) throws Exception {
        XmlPullParser parser = PacketParserUtils.getParserFor("<encrypted xmlns='" + NS + "'>" + inner
                + "</encrypted>");
        int depth = parser.getDepth();
        AxolotlEncrypted e = AxolotlEncryptedProvider.INSTANCE.parse(parser, depth, null);
        assertTrue(e.message().isEmpty(), inner);
        assertTrue(e.malformedReason().isPresent());
        assertEquals(XmlPullParser.Event.END_ELEMENT, parser.getEventType());
        assertEquals(depth, parser.getDepth(), "the rest of the stanza still parses");
    }

    @Test
    void tooManyKeysAreRefused() throws Exception {
        StringBuilder keys = new StringBuilder();
        for (int i = 1; i <= AxolotlEncryptedProvider.MAX_KEYS + 1; i++) {
            keys.append("<key rid='").append(i).append("'>AQID</key>");
        }
        assertTrue(encrypted("<encrypted xmlns='" + NS + "'><header sid='1'>" + keys + "<iv>AAAA</iv></header>"
                + "</encrypted>").message().isEmpty());
    }

    static AxolotlDeviceList deviceList(String xml) throws Exception {
        XmlPullParser parser = PacketParserUtils.getParserFor(xml);
        return AxolotlDeviceListProvider.INSTANCE.parse(parser, parser.getDepth(), null);
    }

    @Test
    void deviceListsParseIgnoringLabelsAndRefuseBadIds() throws Exception {
        assertEquals(List.of(5, 1234567), deviceList("<list xmlns='" + NS + "'><device id='5'/>"
                + "<device id='1234567' label='phone'/></list>").devices());
        assertEquals(List.of(), deviceList("<list xmlns='" + NS + "'/>").devices());
        for (String bad : List.of("<device id='5'/><device id='5'/>", "<device/>", "<device id='x'/>",
                "<device id='0'/>", "<item id='5'/>")) {
            assertTrue(deviceList("<list xmlns='" + NS + "'>" + bad + "</list>").malformedReason().isPresent(), bad);
        }
        AxolotlDeviceList merged = AxolotlDeviceList.of(Set.of(7)).with(9).with(7);
        assertEquals(List.of(7, 9), merged.devices(), "merging keeps the others and adds once");
        assertEquals(List.of(7, 9), deviceList(merged.toXML().toString()).devices());
    }

    static AxolotlBundle bundle(String xml) throws Exception {
        XmlPullParser parser = PacketParserUtils.getParserFor(xml);
        return AxolotlBundleProvider.INSTANCE.parse(parser, parser.getDepth(), null);
    }

    @Test
    void ourBundleRoundTripsWithAVerifyingSignatureAndAHundredPreKeys() throws Exception {
        InMemoryOmemoStore store = new InMemoryOmemoStore();
        OmemoBundle ours = OmemoPreKeys.open(store, store, new SecureRandom(), Clock.systemUTC()).bundle();
        OmemoBundle parsed = bundle(AxolotlBundle.of(ours).toXML().toString()).forDevice(ours.deviceId());
        assertTrue(parsed.signatureValid());
        assertEquals(ours.identityKey(), parsed.identityKey());
        assertEquals(100, parsed.preKeys().size());
        assertEquals(ours.signedPreKeyId(), parsed.signedPreKeyId());
    }

    @Test
    void malformedBundlesAreRefusedTyped() throws Exception {
        String key = "BQ" + "A".repeat(42); // 0x05 then 32 zero bytes, base64
        String sig = "A".repeat(86) + "==";
        String good = "<signedPreKeyPublic signedPreKeyId='1'>" + key + "</signedPreKeyPublic>"
                + "<signedPreKeySignature>" + sig + "</signedPreKeySignature><identityKey>" + key + "</identityKey>"
                + "<prekeys><preKeyPublic preKeyId='1'>" + key + "</preKeyPublic></prekeys>";
        bundle("<bundle xmlns='" + NS + "'>" + good + "</bundle>").forDevice(5);
        for (String bad : List.of(good.replace("<identityKey>" + key + "</identityKey>", ""),
                good + "<identityKey>" + key + "</identityKey>",
                good.replace("signedPreKeyId='1'", "signedPreKeyId='-1'"),
                good.replace("preKeyId='1'>", "preKeyId='1' >x"),
                good.replace("<prekeys>", "<prekeys><other/>"))) {
            AxolotlBundle b = bundle("<bundle xmlns='" + NS + "'>" + bad + "</bundle>");
            org.junit.jupiter.api.Assertions.assertThrows(im.sotto.protocol.omemo.OmemoException.class,
                    () -> b.forDevice(5), bad);
        }
        String wrongType = good.replace("<identityKey>" + key, "<identityKey>Bg" + "A".repeat(42));
        org.junit.jupiter.api.Assertions.assertThrows(im.sotto.protocol.omemo.OmemoException.class,
                () -> bundle("<bundle xmlns='" + NS + "'>" + wrongType + "</bundle>").forDevice(5));
    }
}
