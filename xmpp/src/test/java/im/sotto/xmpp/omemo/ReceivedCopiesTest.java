package im.sotto.xmpp.omemo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Received carbons of OMEMO messages (what a contact sent to another resource of ours): read only when our server
 * made them, and only when this device did not get the message itself. The attacks: a contact forging the wrapper so
 * that a message shows as someone else's; a server making this device read one message twice.
 */
class ReceivedCopiesTest {
    private static final EntityFullJid ALICE_SOTTO = JidCreate.entityFullFromOrThrowUnchecked(
            "alice@example.org/sotto");
    private static final Jid ALICE = JidCreate.bareFromOrThrowUnchecked("alice@example.org");
    private static final Jid ALICE_PHONE = JidCreate.fromOrThrowUnchecked("alice@example.org/phone");
    private static final Jid BOB_LAPTOP = JidCreate.fromOrThrowUnchecked("bob@example.org/laptop");

    @Test
    void ourServersCopyOfWhatBobSentOurPhoneIsRead() {
        Message copy = message(BOB_LAPTOP, ALICE_PHONE);
        assertEquals(Optional.of(copy), ReceivedCopies.accept(ALICE_SOTTO, wrapper(ALICE), copy));
    }

    @Test
    void aCopyWrappedByAnyoneElseIsNotRead() {
        assertTrue(ReceivedCopies.accept(ALICE_SOTTO, wrapper(BOB_LAPTOP), message(BOB_LAPTOP, ALICE_PHONE))
                .isEmpty());
        assertTrue(ReceivedCopies.accept(ALICE_SOTTO, wrapper(ALICE_PHONE), message(BOB_LAPTOP, ALICE_PHONE))
                .isEmpty());
        assertTrue(ReceivedCopies.accept(ALICE_SOTTO, wrapper(null), message(BOB_LAPTOP, ALICE_PHONE)).isEmpty());
    }

    @Test
    void aCopyOfWhatReachedThisDeviceOrAnotherAccountOrWithoutSenderIsNotRead() {
        assertTrue(ReceivedCopies.accept(ALICE_SOTTO, wrapper(ALICE), message(BOB_LAPTOP, ALICE_SOTTO)).isEmpty(),
                "addressed to this resource: the message itself came here");
        assertTrue(ReceivedCopies.accept(ALICE_SOTTO, wrapper(ALICE), message(BOB_LAPTOP, ALICE)).isEmpty(),
                "addressed to the bare JID: delivered here too");
        assertTrue(ReceivedCopies.accept(ALICE_SOTTO, wrapper(ALICE),
                message(BOB_LAPTOP, JidCreate.fromOrThrowUnchecked("carol@example.org/x"))).isEmpty());
        assertTrue(ReceivedCopies.accept(ALICE_SOTTO, wrapper(ALICE), message(null, ALICE_PHONE)).isEmpty());
    }

    private static Message wrapper(Jid from) {
        return StanzaBuilder.buildMessage().from(from).to(ALICE_SOTTO).build();
    }

    private static Message message(Jid from, Jid to) {
        return StanzaBuilder.buildMessage().from(from).to(to).ofType(Message.Type.chat).setBody("hi").build();
    }
}
