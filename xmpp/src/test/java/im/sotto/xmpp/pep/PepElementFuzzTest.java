package im.sotto.xmpp.pep;

import com.code_intelligence.jazzer.junit.FuzzTest;
import im.sotto.protocol.testing.FuzzCorpus;
import im.sotto.xmpp.XmlFuzz;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fuzz tests of the PEP element providers, {@code <bundle/>} and {@code <devices/>} (docs/reliability.md,
 * "Fuzzing"): arbitrary XML yields the element or Smack's typed parsing exceptions, and an element that parses
 * round-trips.
 */
class PepElementFuzzTest {
    private static final String NS = BundleElement.NAMESPACE;

    @FuzzTest
    void bundle(byte[] data) {
        XmlFuzz.parseAndRoundTrip(data, BundleElementProvider.INSTANCE);
    }

    @FuzzTest
    void deviceList(byte[] data) {
        XmlFuzz.parseAndRoundTrip(data, DeviceListElementProvider.INSTANCE);
    }

    @Test
    void seedCorpusIsCurrent() {
        FuzzCorpus.assertCurrent("xmpp", PepElementFuzzTest.class, seeds());
    }

    static Map<String, Map<String, byte[]>> seeds() {
        Map<String, byte[]> bundles = new LinkedHashMap<>();
        bundles.put("bundle", utf8(new BundleElement(new byte[] {1, 1, 2, 3, 5, 8, 13}).toXML().toString()));
        bundles.put("whitespace", utf8("<bundle xmlns='" + NS + "'> AQID </bundle>"));
        Map<String, byte[]> lists = new LinkedHashMap<>();
        lists.put("two", utf8(new DeviceListElement(List.of(DeviceId.of(7), DeviceId.of(2147483647))).toXML()
                .toString()));
        lists.put("empty", utf8(new DeviceListElement(List.of()).toXML().toString()));
        lists.put("spaced", utf8("<devices xmlns='" + NS + "'>\n  <device id='1'/>\n  <device id='2'></device>\n"
                + "</devices>"));
        Map<String, Map<String, byte[]>> seeds = new LinkedHashMap<>();
        seeds.put("bundle", bundles);
        seeds.put("deviceList", lists);
        return seeds;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
