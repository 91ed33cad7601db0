package im.sotto.xmpp.omemo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;

import im.sotto.protocol.trust.TrustLevel;
import im.sotto.xmpp.DecryptedStanza;
import im.sotto.xmpp.SessionOrigin;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Carbons of what our other OMEMO devices sent: only our own server's copies are read. The attack: a contact sends
 * a message shaped like a sent carbon (XEP-0280's forged-carbon attack), to make the user's screen show words the
 * user never wrote as "yours"; it is not accepted.
 */
class OwnSentCopiesTest {
    private static final BareJid ALICE = JidCreate.bareFromOrThrowUnchecked("alice@example.org");
    private static final Jid ALICE_PHONE = JidCreate.fromOrThrowUnchecked("alice@example.org/phone");
    private static final Jid BOB = JidCreate.fromOrThrowUnchecked("bob@example.org");
    private static final Jid BOB_LAPTOP = JidCreate.fromOrThrowUnchecked("bob@example.org/laptop");

    @Test
    void ourServersCopyOfOurPhonesMessageIsAccepted() {
        Message copy = message(ALICE_PHONE, BOB);
        assertEquals(Optional.of(copy), OwnSentCopies.accept(ALICE, wrapper(ALICE), copy));
    }

    @Test
    void aCarbonForgedByAContactIsIgnored() {
        assertTrue(OwnSentCopies.accept(ALICE, wrapper(BOB_LAPTOP), message(ALICE_PHONE, BOB)).isEmpty());
        assertTrue(OwnSentCopies.accept(ALICE, wrapper(BOB), message(ALICE_PHONE, BOB)).isEmpty());
    }

    @Test
    void aCopyNotSentByThisAccountOrWithoutRecipientIsIgnored() {
        assertTrue(OwnSentCopies.accept(ALICE, wrapper(ALICE), message(BOB_LAPTOP, ALICE)).isEmpty());
        assertTrue(OwnSentCopies.accept(ALICE, wrapper(ALICE), message(ALICE_PHONE, null)).isEmpty());
        assertTrue(OwnSentCopies.accept(ALICE, wrapper(null), message(ALICE_PHONE, BOB)).isEmpty());
    }

    @Test
    void theDecryptedCopyBelongsToTheConversationWithItsRecipient() {
        Message copy = message(ALICE_PHONE, BOB);
        DecryptedStanza decrypted = new DecryptedStanza(copy, ALICE, 42, Optional.empty(), TrustLevel.UNVERIFIED,
                false, true, Optional.empty(), SessionOrigin.OMEMO, Instant.EPOCH, Optional.empty());
        DecryptedStanza yours = OwnSentCopies.yours(decrypted, copy);
        assertEquals(BOB.asBareJid(), yours.peer());
        assertEquals(ALICE_PHONE, yours.stanza().getFrom(), "our device stays the sender");
        assertEquals(SessionOrigin.OMEMO, yours.origin());
        assertEquals(42, yours.deviceId());
    }

    private static Message wrapper(Jid from) {
        return StanzaBuilder.buildMessage().from(from).to(JidCreate.fromOrThrowUnchecked("alice@example.org/sotto"))
                .build();
    }

    private static Message message(Jid from, Jid to) {
        return StanzaBuilder.buildMessage().from(from).to(to).ofType(Message.Type.chat).setBody("hi").build();
    }
}
