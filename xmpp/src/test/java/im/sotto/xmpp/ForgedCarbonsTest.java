package im.sotto.xmpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smackx.carbons.packet.CarbonExtension;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * XEP-0280's forged-carbon attack, seen from the report: a contact sends a message shaped like a carbon copy so that
 * the user's screen shows words the user never wrote as "yours" (a sent carbon) or words passed off as another
 * contact's (a received one). Smack's carbon listeners never see it; the user is told instead of nothing.
 */
class ForgedCarbonsTest {
    private static final BareJid ALICE = JidCreate.bareFromOrThrowUnchecked("alice@example.org");
    private static final Jid BOB_LAPTOP = JidCreate.fromOrThrowUnchecked("bob@example.org/laptop");

    @Test
    void aCarbonFromAContactIsReportedAsForged() {
        Optional<SecurityEvent.ForgedCarbon> sent = ForgedCarbons.check(carbon(BOB_LAPTOP, "sent", "f1"), ALICE);
        assertEquals(Optional.of(new SecurityEvent.ForgedCarbon(BOB_LAPTOP.asBareJid(), BOB_LAPTOP, "f1", true)), sent);
        Optional<SecurityEvent.ForgedCarbon> received = ForgedCarbons.check(carbon(BOB_LAPTOP, "received", "f2"),
                ALICE);
        assertEquals(Optional.of(new SecurityEvent.ForgedCarbon(BOB_LAPTOP.asBareJid(), BOB_LAPTOP, "f2", false)),
                received);
    }

    @Test
    void aCarbonFromOneOfOurOwnResourcesOrWithoutSenderIsForgedToo() {
        Jid alicePhone = JidCreate.fromOrThrowUnchecked("alice@example.org/phone");
        assertTrue(ForgedCarbons.check(carbon(alicePhone, "sent", "f3"), ALICE).isPresent(),
                "only the server (our bare JID) makes carbons");
        assertEquals(Optional.of(new SecurityEvent.ForgedCarbon(null, null, "f4", false)),
                ForgedCarbons.check(carbon(null, "received", "f4"), ALICE));
    }

    @Test
    void ourServersCarbonsAndOrdinaryMessagesAreNotReported() {
        assertTrue(ForgedCarbons.check(carbon(ALICE, "sent", "c1"), ALICE).isEmpty());
        assertTrue(ForgedCarbons.check(carbon(ALICE, "received", "c2"), ALICE).isEmpty());
        Message plain = StanzaBuilder.buildMessage("m").from(BOB_LAPTOP).to(ALICE).setBody("hi").build();
        assertTrue(ForgedCarbons.check(plain, ALICE).isEmpty());
        Message privateHint = StanzaBuilder.buildMessage("p").from(BOB_LAPTOP).to(ALICE)
                .addExtension(new StandardExtensionElement("private", CarbonExtension.NAMESPACE)).build();
        assertTrue(ForgedCarbons.check(privateHint, ALICE).isEmpty(), "the <private/> hint is no carbon");
    }

    /** A wrapper as a carbon's: {@code <sent/>} or {@code <received/>} around a forwarded message. */
    private static Message carbon(Jid from, String direction, String id) {
        StandardExtensionElement wrapped = StandardExtensionElement.builder(direction, CarbonExtension.NAMESPACE)
                .addElement(StandardExtensionElement.builder("forwarded", "urn:xmpp:forward:0")
                        .addElement(new StandardExtensionElement("message", "jabber:client")).build())
                .build();
        return StanzaBuilder.buildMessage(id).from(from).to(ALICE).addExtension(wrapped).build();
    }
}
