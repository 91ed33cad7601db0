package im.sotto.xmpp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import im.sotto.xmpp.IncomingClassifier.Arrival;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.util.PacketParserUtils;
import org.junit.jupiter.api.Test;

/**
 * Each kind of message another client sends, as it looks on the wire, and what the user is told about it (issue #18:
 * nothing that arrives is dropped without a word, nothing is reported twice).
 */
class IncomingClassifierTest {
    private static Optional<Arrival> classify(String xml) throws Exception {
        return IncomingClassifier.classify((Message) PacketParserUtils.parseStanza(xml));
    }

    private static String message(String type, String inner) {
        return "<message xmlns='jabber:client' from='eve@example.org/x' to='bob@example.org' id='m1'"
                + (type == null ? "" : " type='" + type + "'") + ">" + inner + "</message>";
    }

    @Test
    void plaintextIsReportedWithItsBody() throws Exception {
        assertEquals(Optional.of(new Arrival.Unencrypted("I can't read you, write plain")),
                classify(message("chat", "<body>I can&apos;t read you, write plain</body>")));
        assertEquals(Optional.of(new Arrival.Unencrypted("normal")), classify(message(null, "<body>normal</body>")));
        assertEquals(Optional.of(new Arrival.Unencrypted("server news")),
                classify(message("headline", "<body>server news</body>")));
        assertEquals(Optional.of(new Arrival.Unencrypted("bonjour")),
                classify(message("chat", "<body xml:lang='fr'>bonjour</body>")));
    }

    @Test
    void eachForeignSchemeIsNamedEvenWithItsFallbackBody() throws Exception {
        String fallback = "<body>I sent you an encrypted message but your client doesn't seem to support that.</body>";
        assertEquals(Optional.of(new Arrival.Foreign(ForeignScheme.OMEMO_0_3)), classify(message("chat",
                "<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><iv>AA==</iv></header>"
                        + "<payload>AA==</payload></encrypted>"
                        + "<encryption xmlns='urn:xmpp:eme:0' namespace='eu.siacs.conversations.axolotl'/>"
                        + fallback)));
        assertEquals(Optional.of(new Arrival.Foreign(ForeignScheme.OMEMO_2)), classify(message("chat",
                "<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'/><payload>AA==</payload></encrypted>"
                        + fallback)));
        assertEquals(Optional.of(new Arrival.Foreign(ForeignScheme.OPENPGP)), classify(message("chat",
                "<openpgp xmlns='urn:xmpp:openpgp:0'>AAAA</openpgp>" + fallback)));
        assertEquals(Optional.of(new Arrival.Foreign(ForeignScheme.LEGACY_OPENPGP)), classify(message("chat",
                "<x xmlns='jabber:x:encrypted'>AAAA</x><body>This message is encrypted.</body>")));
        assertEquals(Optional.of(new Arrival.Foreign(ForeignScheme.OTR)), classify(message("chat",
                "<body>?OTR:AAMDAAAAAAEAAAAB</body>")));
        assertEquals(Optional.of(new Arrival.Foreign(ForeignScheme.OTR)), classify(message("chat",
                "<body>?OTRv23? eve has requested an Off-the-Record private conversation.</body>")));
    }

    /** Copies that wrap a message (carbons, archive results) are not the message: reporting them would duplicate. */
    @Test
    void wrappersAndNoticesWithoutContentAreNotReported() throws Exception {
        assertEquals(Optional.empty(), classify(message("chat",
                "<received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
                        + "<message xmlns='jabber:client' from='eve@example.org/x' to='bob@example.org/y' "
                        + "type='chat'><body>copied</body></message></forwarded></received>")));
        assertEquals(Optional.empty(), classify(message(null,
                "<result xmlns='urn:xmpp:mam:2' queryid='q' id='a1'><forwarded xmlns='urn:xmpp:forward:0'>"
                        + "<message xmlns='jabber:client' from='eve@example.org/x' to='bob@example.org' "
                        + "type='chat'><body>archived</body></message></forwarded></result>")));
        assertEquals(Optional.empty(), classify(message("chat",
                "<composing xmlns='http://jabber.org/protocol/chatstates'/>")));
        assertEquals(Optional.empty(), classify(message("chat", "<received xmlns='urn:xmpp:receipts' id='x'/>")));
        assertEquals(Optional.empty(), classify(message("error", "<body>bounced</body>"
                + "<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>")));
        assertEquals(Optional.empty(), classify(message("groupchat", "<body>room talk</body>")));
    }
}
