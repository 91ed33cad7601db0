package im.sotto.xmpp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The relay's stream splitter: framing apart, each top-level element whole, however the bytes arrive. */
class StanzaSplitterTest {
    private static final String HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
            + " xmlns:stream='http://etherx.jabber.org/streams' to='example.org' version='1.0'>";

    private final StanzaSplitter splitter = new StanzaSplitter();

    @Test
    void severalStanzasInOneReadComeOutSeparately() {
        List<StanzaSplitter.Piece> pieces = feed(HEADER + "<message to='b'><body>hi</body></message>"
                + "<presence/><iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>");
        assertEquals(List.of("<message to='b'><body>hi</body></message>", "<presence/>",
                "<iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>"), stanzas(pieces));
        assertEquals(List.of("<?xml version='1.0'?>", HEADER.substring("<?xml version='1.0'?>".length())),
                framing(pieces));
    }

    @Test
    void aStanzaSplitAtEveryByteComesOutOnceWhole() {
        String stanza = "<message to='b' id='x'><body>gr\u00fc\u00dfe \u2603 &lt;tag&gt;</body><thread>t</thread>"
                + "</message>";
        byte[] all = (HEADER + stanza + " " + stanza).getBytes(StandardCharsets.UTF_8);
        List<StanzaSplitter.Piece> pieces = new ArrayList<>();
        for (int i = 0; i < all.length; i++) {
            pieces.addAll(splitter.feed(all, i, 1));
        }
        assertEquals(List.of(stanza, stanza), stanzas(pieces));
        assertEquals(" ", framing(pieces).get(2), "the whitespace keepalive between them is framing");
    }

    @Test
    void aGreaterThanInsideQuotedAttributesDoesNotEndTheTag() {
        String stanza = "<message to='b' note='a>b' other=\"c/>d\"><body x='>'>1</body></message>";
        assertEquals(List.of(stanza, "<presence a='>'/>"), stanzas(feed(HEADER + stanza + "<presence a='>'/>")));
    }

    @Test
    void cdataCommentsAndEscapedTextAreContentNotMarkup() {
        String stanza = "<message><body><![CDATA[</message><fake>]]>&lt;/message&gt;</body><!-- </message> -->"
                + "</message>";
        String[] cuts = {HEADER + stanza.substring(0, 20), stanza.substring(20, 31), stanza.substring(31)};
        List<StanzaSplitter.Piece> pieces = new ArrayList<>();
        for (String cut : cuts) {
            pieces.addAll(feed(cut));
        }
        assertEquals(List.of(stanza), stanzas(pieces));
    }

    @Test
    void selfClosingStanzasAndNestedSameNamesKeepTheDepth() {
        String nested = "<iq type='result'><query><item/><item><item/></item></query></iq>";
        assertEquals(List.of("<r xmlns='urn:xmpp:sm:3'/>", nested, "<a xmlns='urn:xmpp:sm:3' h='2' />"),
                stanzas(feed(HEADER + "<r xmlns='urn:xmpp:sm:3'/>" + nested + "<a xmlns='urn:xmpp:sm:3' h='2' />")));
    }

    @Test
    void aStreamRestartAndTheClosingTagAreFraming() {
        String features = "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                + "<mechanism>PLAIN</mechanism></mechanisms></stream:features>";
        List<StanzaSplitter.Piece> pieces = feed(HEADER + features + "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"
                + HEADER + "<message><body>after</body></message></stream:stream>");
        assertEquals(List.of(features, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>",
                "<message><body>after</body></message>"), stanzas(pieces));
        assertEquals("</stream:stream>", framing(pieces).get(framing(pieces).size() - 1));
    }

    private List<StanzaSplitter.Piece> feed(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return splitter.feed(bytes, 0, bytes.length);
    }

    private static List<String> stanzas(List<StanzaSplitter.Piece> pieces) {
        return pieces.stream().filter(p -> p.kind() == StanzaSplitter.Kind.STANZA).map(StanzaSplitter.Piece::text)
                .toList();
    }

    private static List<String> framing(List<StanzaSplitter.Piece> pieces) {
        return pieces.stream().filter(p -> p.kind() == StanzaSplitter.Kind.FRAMING).map(StanzaSplitter.Piece::text)
                .toList();
    }
}
