package im.sotto.xmpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smackx.carbons.packet.CarbonExtension.Direction;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Issue #19 (protocol.md 7.9): which carbons this device reads, what is copied to our other devices, and how a
 * self-addressed stanza without 'to' is read. The attacks: a contact forging a carbon so that words the user never
 * wrote show as "yours"; a server making this device read the same message twice (a note to self and its carbon).
 */
class OwnDevicesTest {
    private static final BareJid ALICE = JidCreate.bareFromOrThrowUnchecked("alice@example.org");
    private static final EntityFullJid ALICE_LAPTOP = JidCreate.entityFullFromOrThrowUnchecked(
            "alice@example.org/laptop");
    private static final Jid ALICE_PHONE = JidCreate.fromOrThrowUnchecked("alice@example.org/phone");
    private static final Jid BOB = JidCreate.fromOrThrowUnchecked("bob@example.org");
    private static final Jid BOB_DESKTOP = JidCreate.fromOrThrowUnchecked("bob@example.org/desktop");

    @Test
    void ourServersCarbonsOfOurOtherDeviceAndOfWhatBobSentItAreRead() {
        assertTrue(OwnDevices.readsCarbon(Direction.sent, sotto(ALICE_PHONE, BOB), ALICE, ALICE_LAPTOP));
        assertTrue(OwnDevices.readsCarbon(Direction.received, sotto(BOB_DESKTOP, ALICE_PHONE), ALICE, ALICE_LAPTOP));
    }

    @Test
    void aCarbonForgedByAContactIsIgnored() {
        assertFalse(OwnDevices.readsCarbon(Direction.sent, sotto(ALICE_PHONE, BOB), BOB, ALICE_LAPTOP));
        assertFalse(OwnDevices.readsCarbon(Direction.sent, sotto(ALICE_PHONE, BOB), BOB_DESKTOP, ALICE_LAPTOP));
        assertFalse(OwnDevices.readsCarbon(Direction.received, sotto(BOB_DESKTOP, ALICE_PHONE), null, ALICE_LAPTOP));
    }

    @Test
    void aCarbonOfANoteToSelfOrOfOurOwnSendOrWithoutSottoIsNotReadAgain() {
        assertFalse(OwnDevices.readsCarbon(Direction.sent, sotto(ALICE_PHONE, ALICE), ALICE, ALICE_LAPTOP),
                "the note itself reaches this device");
        assertFalse(OwnDevices.readsCarbon(Direction.sent, sotto(ALICE_LAPTOP, BOB), ALICE, ALICE_LAPTOP));
        assertFalse(OwnDevices.readsCarbon(Direction.received, sotto(BOB_DESKTOP, ALICE_LAPTOP), ALICE,
                ALICE_LAPTOP), "sent to this very resource: it has the message itself");
        Message plain = StanzaBuilder.buildMessage().from(ALICE_PHONE).to(BOB).setBody("hi").build();
        assertFalse(OwnDevices.readsCarbon(Direction.sent, plain, ALICE, ALICE_LAPTOP));
    }

    @Test
    void onlyMessagesWithABodyToSomeoneElseAreCopied() {
        assertTrue(OwnDevices.copied(StanzaBuilder.buildMessage().to(BOB).setBody("hi").build(), ALICE));
        assertFalse(OwnDevices.copied(StanzaBuilder.buildMessage().to(BOB).build(), ALICE), "a receipt is not");
        assertFalse(OwnDevices.copied(StanzaBuilder.buildMessage().to(ALICE).setBody("milk").build(), ALICE),
                "a note to self goes to our devices itself");
    }

    @Test
    void aStanzaOfOurAccountWithoutRecipientIsToOurAccountAndNoOneElsesIsChanged() {
        Message fromPhone = StanzaBuilder.buildMessage("n1").from(ALICE_PHONE).setBody("x").build();
        Stanza read = OwnDevices.addressed(fromPhone, ALICE_LAPTOP);
        assertEquals(ALICE, read.getTo());
        assertEquals("n1", read.getStanzaId());
        Message fromBob = StanzaBuilder.buildMessage().from(BOB_DESKTOP).setBody("x").build();
        assertSame(fromBob, OwnDevices.addressed(fromBob, ALICE_LAPTOP));
        Message addressed = StanzaBuilder.buildMessage().from(ALICE_PHONE).to(BOB).setBody("x").build();
        assertSame(addressed, OwnDevices.addressed(addressed, ALICE_LAPTOP));
    }

    private static Message sotto(Jid from, Jid to) {
        return StanzaBuilder.buildMessage().from(from).to(to)
                .addExtension(new SottoEncrypted(SottoEncrypted.Kind.RATCHET, new byte[] {1, 2, 3})).build();
    }
}
