package im.sotto.xmpp;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import im.sotto.xmpp.IqAnswerProblem;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Stanza;
import org.jxmpp.jid.Jid;

/**
 * Encrypted iq requests waiting for their answer. Each remembers the JID it was sent to and the devices whose sessions
 * carried it: an answer completes it only if its outer sender is that JID, a session with one of those devices opened
 * it and the envelope names the same sender. Anything else carrying the same id (another contact's encrypted result,
 * a stranger's garbage) is reported and leaves the request waiting. Worker thread only.
 */
final class PendingIqs {
    /**
     * Bytes of randomness in an outer iq id: 128 bits, so that nobody who saw earlier ids can predict the next one
     * (Smack's own ids are a fixed prefix and a counter) and aim an answer at a request before it is answered.
     */
    static final int ID_BYTES = 16;

    private record Waiting(Jid to, Set<Long> devices, CompletableFuture<IQ> answer) {
    }

    private final Map<String, Waiting> waiting = new HashMap<>();

    /** A fresh, unguessable stanza id for an outgoing iq request. */
    static String newId(SecureRandom random) {
        byte[] bytes = new byte[ID_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    void expect(String id, Jid to, Set<Long> devices, CompletableFuture<IQ> answer) {
        waiting.put(id, new Waiting(to, Set.copyOf(devices), answer));
    }

    /** The request timed out: removed; true if it was still waiting. */
    boolean expire(String id) {
        return waiting.remove(id) != null;
    }

    /** Whether {@code outer} is an iq answer (result or error) carrying the id of a waiting request. */
    boolean isAnswer(Stanza outer) {
        return outer instanceof IQ iq && (iq.getType() == IQ.Type.result || iq.getType() == IQ.Type.error)
                && iq.getStanzaId() != null && waiting.containsKey(iq.getStanzaId());
    }

    /**
     * An answer that opened: completes the waiting request if sender, session and envelope all match; otherwise
     * the problem, and the request keeps waiting.
     */
    Optional<IqAnswerProblem> answered(Stanza outer, DecryptedStanza opened) {
        Waiting request = waiting.get(outer.getStanzaId());
        if (request == null) {
            return Optional.of(IqAnswerProblem.NOT_AN_ANSWER);
        }
        Optional<IqAnswerProblem> problem = mismatch(request, outer, opened);
        if (problem.isEmpty()) {
            waiting.remove(outer.getStanzaId());
            request.answer.complete((IQ) opened.stanza());
        }
        return problem;
    }

    private static Optional<IqAnswerProblem> mismatch(Waiting request, Stanza outer, DecryptedStanza opened) {
        Jid from = outer.getFrom();
        boolean sameSender = request.to.isEntityFullJid() ? request.to.equals(from)
                : request.to.equals(from.asBareJid());
        if (!sameSender || !opened.peer().equals(request.to.asBareJid())) {
            return Optional.of(IqAnswerProblem.NOT_THE_ADDRESSEE);
        }
        if (!request.devices.contains(opened.deviceId())) {
            return Optional.of(IqAnswerProblem.OTHER_DEVICE);
        }
        // The envelope's sealed sender; the codec already refused one that differs from the outer sender.
        if (!from.equals(opened.stanza().getFrom())) {
            return Optional.of(IqAnswerProblem.NOT_THE_ADDRESSEE);
        }
        if (!(opened.stanza() instanceof IQ iq) || (iq.getType() != IQ.Type.result && iq.getType() != IQ.Type.error)) {
            return Optional.of(IqAnswerProblem.NOT_AN_ANSWER);
        }
        return Optional.empty();
    }
}
