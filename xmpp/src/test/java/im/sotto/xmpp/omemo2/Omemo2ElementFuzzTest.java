package im.sotto.xmpp.omemo2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoFailure;
import im.sotto.protocol.testing.FuzzCorpus;
import im.sotto.xmpp.XmlFuzz;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fuzz tests of the OMEMO 2 parsers (docs/reliability.md, "Fuzzing"): arbitrary XML gives an element (well formed,
 * or malformed with a reason) or Smack's typed XML exceptions; a well-formed element is written back to XML that
 * parses to the same element; a bundle completes or is refused typed; arbitrary bytes as a decrypted SCE envelope
 * give an envelope or ENVELOPE_MALFORMED, never anything else.
 */
class Omemo2ElementFuzzTest {
    private static final String NS = Omemo2Names.NAMESPACE;

    @FuzzTest
    void encrypted(byte[] data) {
        Omemo2Encrypted e = XmlFuzz.parseOrNull(data, p -> Omemo2EncryptedProvider.INSTANCE.parse(p, p.getDepth(),
                null));
        if (e != null && e.malformedReason().isEmpty()) {
            Omemo2Encrypted again = XmlFuzz.parseOrNull(e.toXML().toString().getBytes(StandardCharsets.UTF_8),
                    p -> Omemo2EncryptedProvider.INSTANCE.parse(p, p.getDepth(), null));
            assertEquals(e.senderDeviceId(), again.senderDeviceId());
            assertEquals(e.keys(), again.keys());
            assertEquals(e.payload().isPresent(), again.payload().isPresent());
            e.payload().ifPresent(p -> assertArrayEquals(p, again.payload().orElseThrow()));
        }
    }

    @FuzzTest
    void deviceList(byte[] data) {
        Omemo2DeviceList list = XmlFuzz.parseOrNull(data, p -> Omemo2DeviceList.Provider.INSTANCE.parse(p,
                p.getDepth(), null));
        if (list != null && list.malformedReason().isEmpty()) {
            assertTrue(list.devices().size() <= Omemo2DeviceList.MAX_DEVICES);
            assertEquals(list.devices(), XmlFuzz.parseOrNull(list.toXML().toString().getBytes(StandardCharsets.UTF_8),
                    p -> Omemo2DeviceList.Provider.INSTANCE.parse(p, p.getDepth(), null)).devices());
        }
    }

    @FuzzTest
    void bundle(byte[] data) {
        Omemo2BundleElement b = XmlFuzz.parseOrNull(data, p -> Omemo2BundleElement.Provider.INSTANCE.parse(p,
                p.getDepth(), null));
        if (b != null) {
            try {
                b.forDevice(1).signatureValid();
            } catch (OmemoException expected) {
                // typed refusal
            }
        }
    }

    @FuzzTest
    void envelope(byte[] data) {
        try {
            SceEnvelope.read(data);
        } catch (OmemoException e) {
            assertEquals(OmemoFailure.ENVELOPE_MALFORMED, e.reason());
        }
    }

    @Test
    void seedCorpusIsCurrent() {
        FuzzCorpus.assertCurrent("xmpp", Omemo2ElementFuzzTest.class, seeds());
    }

    static Map<String, Map<String, byte[]>> seeds() {
        Map<String, byte[]> encrypted = new LinkedHashMap<>();
        encrypted.put("message", utf8("<encrypted xmlns='" + NS + "'><header sid='27183'><keys jid='b@example.org'>"
                + "<key kex='true' rid='31415'>AQID</key><key rid='42'>BAUG</key></keys><keys jid='a@example.org'>"
                + "<key rid='7'>BwgJ</key></keys></header><payload>qrvM</payload></encrypted>"));
        encrypted.put("empty", utf8("<encrypted xmlns='" + NS + "'><header sid='1'><keys jid='b@example.org'>"
                + "<key rid='2'>AQID</key></keys></header></encrypted>"));
        Map<String, byte[]> lists = new LinkedHashMap<>();
        lists.put("list", utf8("<devices xmlns='" + NS + "'><device id='5'/><device id='1234567' label='x'/>"
                + "</devices>"));
        String key = "A".repeat(43) + "=";
        Map<String, byte[]> bundles = new LinkedHashMap<>();
        bundles.put("bundle", utf8("<bundle xmlns='" + NS + "'><spk id='1'>" + key + "</spk><spks>" + "A".repeat(86)
                + "==</spks><ik>" + key + "</ik><prekeys><pk id='1'>" + key + "</pk></prekeys></bundle>"));
        Map<String, byte[]> envelopes = new LinkedHashMap<>();
        envelopes.put("envelope", utf8("<envelope xmlns='urn:xmpp:sce:1'><content><body xmlns='jabber:client'>hi"
                + "</body></content><rpad>abc</rpad><time stamp='2026-12-07T12:00:00Z'/><to jid='b@example.org'/>"
                + "<from jid='a@example.org/x'/></envelope>"));
        Map<String, Map<String, byte[]>> seeds = new LinkedHashMap<>();
        seeds.put("encrypted", encrypted);
        seeds.put("deviceList", lists);
        seeds.put("bundle", bundles);
        seeds.put("envelope", envelopes);
        return seeds;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
