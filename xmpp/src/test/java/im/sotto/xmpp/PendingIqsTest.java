package im.sotto.xmpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import im.sotto.protocol.trust.TrustLevel;
import im.sotto.xmpp.IqAnswerProblem;
import im.sotto.xmpp.element.SottoEncrypted;
import im.sotto.xmpp.element.SottoEncryptedIq;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smackx.iqversion.packet.Version;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

class PendingIqsTest {
    private static final long BOB_DEVICE = 7;

    /** 128 random bits each: 1,000 ids, all distinct, none sharing a prefix as Smack's counter ids do. */
    @Test
    void idsAreRandomAndLongEnough() {
        SecureRandom random = new SecureRandom();
        Set<String> ids = new HashSet<>();
        Set<String> prefixes = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = PendingIqs.newId(random);
            assertEquals(22, id.length(), id);
            ids.add(id);
            prefixes.add(id.substring(0, 4));
        }
        assertEquals(1000, ids.size());
        assertTrue(prefixes.size() > 900, "ids share prefixes: " + prefixes.size());
    }

    /**
     * Answers carrying the id of alice's request to bob's phone: from carol, from bob's other resource, from bob's
     * phone but opened under another device's session, and a request instead of an answer. None completes it; bob's
     * phone's result does.
     */
    @Test
    void onlyTheAddresseesDeviceCompletesTheRequest() throws Exception {
        Jid bobPhone = JidCreate.from("bob@example.org/phone");
        PendingIqs pending = new PendingIqs();
        CompletableFuture<IQ> answer = new CompletableFuture<>();
        pending.expect("id1", bobPhone, Set.of(BOB_DEVICE), answer);

        Stanza fromCarol = outer("carol@example.net/x", "id1");
        assertTrue(pending.isAnswer(fromCarol));
        assertEquals(Optional.of(IqAnswerProblem.NOT_THE_ADDRESSEE), pending.answered(fromCarol,
                opened("carol@example.net/x", "carol@example.net", BOB_DEVICE, IQ.Type.result)));
        assertEquals(Optional.of(IqAnswerProblem.NOT_THE_ADDRESSEE), pending.answered(outer("bob@example.org/desk",
                "id1"), opened("bob@example.org/desk", "bob@example.org", BOB_DEVICE, IQ.Type.result)));
        assertEquals(Optional.of(IqAnswerProblem.OTHER_DEVICE), pending.answered(outer("bob@example.org/phone", "id1"),
                opened("bob@example.org/phone", "bob@example.org", BOB_DEVICE + 1, IQ.Type.result)));
        assertEquals(Optional.of(IqAnswerProblem.NOT_AN_ANSWER), pending.answered(outer("bob@example.org/phone",
                "id1"), opened("bob@example.org/phone", "bob@example.org", BOB_DEVICE, IQ.Type.get)));
        assertFalse(answer.isDone());

        DecryptedStanza real = opened("bob@example.org/phone", "bob@example.org", BOB_DEVICE, IQ.Type.result);
        assertEquals(Optional.empty(), pending.answered(outer("bob@example.org/phone", "id1"), real));
        assertSame(real.stanza(), answer.getNow(null));
        assertFalse(pending.isAnswer(outer("bob@example.org/phone", "id1")), "answered once");
    }

    private static Stanza outer(String from, String id) throws Exception {
        SottoEncryptedIq iq = new SottoEncryptedIq(IQ.Type.result, new SottoEncrypted(SottoEncrypted.Kind.RATCHET,
                new byte[] {1, 2, 3}));
        iq.setFrom(JidCreate.from(from));
        iq.setTo(JidCreate.from("alice@example.org/laptop"));
        iq.setStanzaId(id);
        return iq;
    }

    private static DecryptedStanza opened(String from, String peer, long device, IQ.Type type) throws Exception {
        Version inner = new Version("client", "1");
        inner.setType(type);
        inner.setFrom(JidCreate.from(from));
        return new DecryptedStanza(inner, JidCreate.bareFrom(peer), device, Optional.empty(), TrustLevel.UNVERIFIED,
                false, true, Optional.empty(), SessionOrigin.ONLINE_HANDSHAKE, Instant.EPOCH, Optional.empty());
    }
}
