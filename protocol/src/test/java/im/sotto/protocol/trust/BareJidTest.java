package im.sotto.protocol.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BareJidTest {
    @Test
    void equalAddressesHaveOneCanonicalForm() {
        assertEquals("alice@example.org", BareJid.parse("Alice@EXAMPLE.org.").toString());
        assertEquals(BareJid.parse("j\u00fcrgen@example.org"), BareJid.parse("ju\u0308rgen@example.org"));
        assertEquals(BareJid.parse("alice@example.org"), BareJid.parse("ALICE@example.ORG"));
    }

    @Test
    void anythingButABareAccountJidIsRefused() {
        for (String bad : List.of("", "example.org", "@example.org", "alice@", "alice@example.org/laptop",
                "a b@example.org", "a\u0000@example.org", "a:b@example.org", "a@b@c", "x".repeat(1024) + "@b")) {
            assertTrue(BareJid.tryParse(bad).isEmpty(), bad);
        }
        assertTrue(BareJid.tryParse(null).isEmpty());
    }
}
