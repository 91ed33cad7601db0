package im.sotto.xmpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

class CoreJidTest {
    /** The core's peer has the text the binding keys sessions by, so trust and sessions share one key. */
    @Test
    void aJidKeepsItsText() throws Exception {
        for (String jid : new String[] {"bob@example.org", "Bob@Example.ORG.", "\u00e9mile@example.org"}) {
            var smack = JidCreate.bareFrom(jid);
            assertEquals(smack.toString(), CoreJid.of(smack).toString());
        }
    }

    /**
     * A decomposed JID that jxmpp keeps as it is would be keyed in NFC by the core and as typed by the binding: the
     * contact's pin would be looked up under another key than its sessions. It is refused instead.
     */
    @Test
    void aJidTheCoreWouldRewriteIsRefused() throws Exception {
        var decomposed = JidCreate.bareFrom("e\u0301mile@example.org");
        assertThrows(IllegalArgumentException.class, () -> CoreJid.of(decomposed));
    }
}
