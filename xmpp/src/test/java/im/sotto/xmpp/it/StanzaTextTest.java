package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The hostile relay's stanza edits: attributes of the element itself, and DOM edits written back. */
class StanzaTextTest {

    @Test
    void attributesOfTheElementItselfAreReadAndRewrittenNotThoseOfItsChildren() {
        String stanza = "<message to='bob@b/x' note='a>b'><x to='inner'/></message>";
        assertEquals("bob@b/x", StanzaText.attribute(stanza.substring(0, StanzaText.startTagEnd(stanza)), "to"));
        assertEquals("<message to='carol@c/y' note='a>b'><x to='inner'/></message>",
                StanzaText.withAttribute(stanza, "to", "carol@c/y"));
        assertEquals("<message to='bob@b/x' note='a>b' type='headline'><x to='inner'/></message>",
                StanzaText.withAttribute(stanza, "type", "headline"));
        assertEquals("<presence type='unavailable'/>", StanzaText.withAttribute("<presence/>", "type", "unavailable"));
    }

    @Test
    void aDomEditIsWrittenBackWithoutDeclaration() {
        String edited = StanzaText.editDom("<iq type='result'><query><feature var='a'/><feature var='b'/></query></iq>",
                root -> {
                    var features = root.getElementsByTagName("feature");
                    features.item(0).getParentNode().removeChild(features.item(0));
                });
        assertEquals("<iq type=\"result\"><query><feature var=\"b\"/></query></iq>", edited);
    }
}
