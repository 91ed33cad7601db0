package im.sotto.protocol.offline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import im.sotto.protocol.ratchet.DecryptResult;
import im.sotto.protocol.ratchet.RatchetSession;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The first reply (format 2) binds its prefix, format 0x02 and type 0x21, and the first message's transcript hash
 * into the ratchet message's associated data (docs/protocol.md 6.4). These tests are a server editing the prefix.
 */
class FirstReplyBindingTest {
    private static final byte[] AD = "bob@example.org -> alice@example.org".getBytes(StandardCharsets.UTF_8);
    private final SecureRandom random = new SecureRandom();
    private final OfflineParty.MovableClock clock = new OfflineParty.MovableClock();
    private final OfflineParty alice = new OfflineParty(random, clock);
    private final OfflineParty bob = new OfflineParty(random, clock);
    private final OutgoingFirstMessage sent;
    private final IncomingFirstMessage.Accepted received;

    FirstReplyBindingTest() throws Exception {
        sent = alice.sender().send(bob.publishedBundle(), RecipientKnowledge.unknown(), new byte[] {1}, AD);
        received = assertInstanceOf(IncomingFirstMessage.Accepted.class, bob.receive(sent.message(), AD));
    }

    @Test
    void aReplyWithItsPrefixRemovedFailsAuthenticationAsAnOrdinaryRatchetMessage() throws Exception {
        byte[] reply = seal("proof inside");
        byte[] stripped = Arrays.copyOfRange(reply, 2, reply.length);
        byte[] before = sent.session().toRecord();
        DecryptResult result = sent.session().decrypt(stripped, AD);
        assertEquals(new DecryptResult.Undecryptable(DecryptResult.Reason.BAD_AUTH_TAG), result,
                "before format 2 this decrypted, delivering the certificate and MAC as application data");
        assertArrayEquals(before, sent.session().toRecord(), "no state change");
        assertTrue(open(reply).confirmed(), "the genuine reply still confirms afterwards");
    }

    @Test
    void anOrdinaryMessageGivenAReplyPrefixFailsAuthentication() throws Exception {
        assertTrue(open(seal("the reply")).confirmed());
        byte[] ordinary = received.session().encrypt("an ordinary message".getBytes(StandardCharsets.UTF_8), AD);
        byte[] prefixed = new byte[ordinary.length + 2];
        prefixed[0] = FirstReply.FORMAT;
        prefixed[1] = FirstMessageFormat.TYPE_FIRST_REPLY;
        System.arraycopy(ordinary, 0, prefixed, 2, ordinary.length);
        byte[] before = sent.session().toRecord();
        FirstReply.Opened opened = open(prefixed);
        assertEquals(FirstReply.Failure.NOT_DECRYPTED, opened.failure());
        assertEquals(new DecryptResult.Undecryptable(DecryptResult.Reason.BAD_AUTH_TAG), opened.decryptResult());
        assertArrayEquals(before, sent.session().toRecord(), "no state change");
    }

    @Test
    void aReplyWhoseFormatByteIsLoweredToTheUnboundFormatFailsAuthentication() throws Exception {
        byte[] reply = seal("proof inside");
        byte[] lowered = reply.clone();
        lowered[0] = FirstReply.FORMAT_PREFIX_NOT_BOUND;
        byte[] before = sent.session().toRecord();
        FirstReply.Opened opened = open(lowered);
        assertEquals(FirstReply.Failure.NOT_DECRYPTED, opened.failure());
        assertEquals(new DecryptResult.Undecryptable(DecryptResult.Reason.BAD_AUTH_TAG), opened.decryptResult());
        assertArrayEquals(before, sent.session().toRecord(), "no state change");
        assertTrue(open(reply).confirmed());
    }

    @Test
    void aReplyForAnotherFirstMessageDoesNotOpen() throws Exception {
        OutgoingFirstMessage other = alice.sender().send(bob.publishedBundle(), RecipientKnowledge.unknown(),
                new byte[] {2}, AD);
        FirstReply.Opened opened = FirstReply.open(other.session(), alice.device, other.pendingConfirmation(),
                seal("for the first session"), AD, random, clock);
        assertEquals(FirstReply.Failure.NOT_DECRYPTED, opened.failure());
    }

    @Test
    void aFormatOneReplyFromAnOlderClientIsStillOpened() throws Exception {
        byte[] old = FormatOneWriter.reply(received.session(), bob.device, received.sender(),
                received.transcriptHash(), "from an old client".getBytes(StandardCharsets.UTF_8), AD);
        FirstReply.Opened opened = open(old);
        assertTrue(opened.confirmed(), () -> "failure " + opened.failure());
        assertArrayEquals("from an old client".getBytes(StandardCharsets.UTF_8), opened.plaintext());
    }

    private byte[] seal(String text) throws Exception {
        return FirstReply.seal(received.session(), bob.device, received.sender(), received.transcriptHash(),
                text.getBytes(StandardCharsets.UTF_8), AD);
    }

    private FirstReply.Opened open(byte[] reply) {
        RatchetSession session = sent.session();
        return FirstReply.open(session, alice.device, sent.pendingConfirmation(), reply, AD, random, clock);
    }
}
