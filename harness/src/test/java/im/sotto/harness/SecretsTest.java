package im.sotto.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

class SecretsTest {
    private static final byte[] KEY = HexFormat.of().parseHex("8f1e22c4a05b7d93e6f0113a4c5d6e7f");

    @Test
    void findsTheValueBase64EncodedAtEachAlignmentInsideALongerString() {
        for (int before = 0; before < 3; before++) {
            byte[] carrier = new byte[before + KEY.length + 5];
            for (int i = 0; i < carrier.length; i++) {
                carrier[i] = (byte) (0xa5 ^ i);
            }
            System.arraycopy(KEY, 0, carrier, before, KEY.length);
            String wire = "<payload>" + Base64.getEncoder().encodeToString(carrier) + "</payload>";
            List<String> found = new Secrets().bytes("key", KEY).foundIn(wire);
            assertTrue(found.stream().anyMatch(f -> f.startsWith("key as ")), before + " bytes before: " + found);
        }
    }

    @Test
    void findsRawAndHexInEitherCase() {
        Secrets secrets = new Secrets().bytes("key", KEY);
        String raw = new String(KEY, StandardCharsets.ISO_8859_1);
        assertEquals(1, secrets.foundIn("x" + raw + "y").size());
        assertEquals(1, secrets.foundIn(HexFormat.of().formatHex(KEY)).size());
        assertEquals(1, secrets.foundIn(HexFormat.of().withUpperCase().formatHex(KEY)).size());
    }

    @Test
    void aValueWithOneByteChangedIsNotReported() {
        byte[] other = KEY.clone();
        other[KEY.length / 2] ^= 1;
        String wire = Base64.getEncoder().encodeToString(other) + HexFormat.of().formatHex(other);
        assertEquals(List.of(), new Secrets().bytes("key", KEY).text("hello", "hello there").foundIn(wire));
    }

    @Test
    void namesEachValueFound() {
        Secrets secrets = new Secrets().text("greeting", "meet me at noon").text("place", "the old mill");
        assertEquals(List.of("place as 'the old mill'"), secrets.foundIn("<body>the old mill</body>"));
    }
}
