package im.sotto.xmpp.omemo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoMessage;
import im.sotto.protocol.testing.FuzzCorpus;
import im.sotto.xmpp.XmlFuzz;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fuzz tests of the OMEMO 0.3 providers (docs/reliability.md, "Fuzzing"): arbitrary XML yields an element (a
 * message, or malformed with a reason) or Smack's typed XML exceptions, never anything else; a message that parses
 * is written back to XML that parses to the same message; a bundle either completes or is refused typed.
 */
class AxolotlFuzzTest {
    private static final String NS = Axolotl.NAMESPACE;

    @FuzzTest
    void encrypted(byte[] data) {
        AxolotlEncrypted e = XmlFuzz.parseOrNull(data, p -> AxolotlEncryptedProvider.INSTANCE.parse(p, p.getDepth(),
                null));
        if (e != null && e.message().isPresent()) {
            OmemoMessage m = e.message().get();
            AxolotlEncrypted again = XmlFuzz.parseOrNull(e.toXML().toString().getBytes(StandardCharsets.UTF_8),
                    p -> AxolotlEncryptedProvider.INSTANCE.parse(p, p.getDepth(), null));
            OmemoMessage n = again.message().orElseThrow();
            assertEquals(m.senderDeviceId(), n.senderDeviceId());
            assertEquals(m.keys(), n.keys());
            assertArrayEquals(m.iv(), n.iv());
            assertEquals(m.isKeyTransport(), n.isKeyTransport());
        }
    }

    @FuzzTest
    void deviceList(byte[] data) {
        AxolotlDeviceList list = XmlFuzz.parseOrNull(data, p -> AxolotlDeviceListProvider.INSTANCE.parse(p,
                p.getDepth(), null));
        if (list != null && list.malformedReason().isEmpty()) {
            assertTrue(list.devices().size() <= AxolotlDeviceList.MAX_DEVICES);
            assertEquals(list.devices(), XmlFuzz.parseOrNull(list.toXML().toString().getBytes(StandardCharsets.UTF_8),
                    p -> AxolotlDeviceListProvider.INSTANCE.parse(p, p.getDepth(), null)).devices());
        }
    }

    @FuzzTest
    void bundle(byte[] data) {
        AxolotlBundle b = XmlFuzz.parseOrNull(data, p -> AxolotlBundleProvider.INSTANCE.parse(p, p.getDepth(), null));
        if (b != null) {
            try {
                b.forDevice(1).signatureValid();
            } catch (OmemoException expected) {
                // typed refusal
            }
        }
    }

    @Test
    void seedCorpusIsCurrent() {
        FuzzCorpus.assertCurrent("xmpp", AxolotlFuzzTest.class, seeds());
    }

    static Map<String, Map<String, byte[]>> seeds() {
        Map<String, byte[]> encrypted = new LinkedHashMap<>();
        encrypted.put("message", utf8("<encrypted xmlns='" + NS + "'><header sid='27183'><key prekey='true' "
                + "rid='31415'>AQID</key><key rid='42'>BAUG</key><iv>AAECAwQFBgcICQoL</iv></header>"
                + "<payload>qrvM</payload></encrypted>"));
        encrypted.put("key-transport", utf8("<encrypted xmlns='" + NS + "'><header sid='1'><key rid='2'>AQID</key>"
                + "<iv>AAECAwQFBgcICQoLDA0ODw==</iv></header></encrypted>"));
        Map<String, byte[]> lists = new LinkedHashMap<>();
        lists.put("list", utf8("<list xmlns='" + NS + "'><device id='5'/><device id='1234567' label='x'/></list>"));
        String key = "BQ" + "A".repeat(42);
        Map<String, byte[]> bundles = new LinkedHashMap<>();
        bundles.put("bundle", utf8("<bundle xmlns='" + NS + "'><signedPreKeyPublic signedPreKeyId='1'>" + key
                + "</signedPreKeyPublic><signedPreKeySignature>" + "A".repeat(86) + "==</signedPreKeySignature>"
                + "<identityKey>" + key + "</identityKey><prekeys><preKeyPublic preKeyId='1'>" + key
                + "</preKeyPublic></prekeys></bundle>"));
        Map<String, Map<String, byte[]>> seeds = new LinkedHashMap<>();
        seeds.put("encrypted", encrypted);
        seeds.put("deviceList", lists);
        seeds.put("bundle", bundles);
        return seeds;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
