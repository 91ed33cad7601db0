package im.sotto.xmpp.pep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import im.sotto.xmpp.omemo.OmemoPep;
import im.sotto.xmpp.omemo2.Omemo2Pep;

import org.jivesoftware.smack.packet.IQ;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * The PEP reads as they go out, compared as literal XML: a read sent ahead is answered only if the later read is
 * the same request (PepReadAhead's key is the recipient, the type and this XML), so the readers of all three
 * protocols build theirs here and nowhere else.
 */
class PepRequestsTest {
    private static final String PUBSUB = "<pubsub xmlns='http://jabber.org/protocol/pubsub'>";
    private static final String ITEMS = "<items xmlns='http://jabber.org/protocol/pubsub' node='";

    private static final BareJid BOB = JidCreate.bareFromOrThrowUnchecked("bob@example.org");

    @Test
    void aNodesItemsAndOneItemAreReadAsXep0060Writes() {
        IQ all = PepRequests.itemsRequest(BOB, "urn:xmpp:omemo:2:devices");
        assertEquals(IQ.Type.get, all.getType());
        assertEquals(BOB, all.getTo());
        assertEquals(PUBSUB + ITEMS + "urn:xmpp:omemo:2:devices'/></pubsub>", all.getChildElementXML().toString());

        IQ one = PepRequests.itemRequest(BOB, "urn:xmpp:omemo:2:bundles", "4711");
        assertEquals(PUBSUB + ITEMS + "urn:xmpp:omemo:2:bundles'><item id='4711'/></items></pubsub>",
                one.getChildElementXML().toString());
    }

    @Test
    void theReadsSentAheadAreTheReadsTheProtocolsMake() {
        assertEquals(xml(PepRequests.itemsRequest(BOB, "eu.siacs.conversations.axolotl.devicelist")),
                xml(OmemoPep.deviceListRead(BOB)));
        assertEquals(xml(PepRequests.itemsRequest(BOB, "urn:xmpp:omemo:2:devices")),
                xml(Omemo2Pep.deviceListRead(BOB)));
        List<IQ> omemo2 = Omemo2Pep.loginReads(BOB, 4711);
        assertEquals(xml(PepRequests.itemRequest(BOB, "urn:xmpp:omemo:2:bundles", "4711")), xml(omemo2.get(1)));
    }

    private static String xml(IQ iq) {
        return iq.getTo() + " " + iq.getType() + " " + iq.getChildElementXML();
    }
}
