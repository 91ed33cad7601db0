package im.sotto.protocol.session;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import im.sotto.protocol.ratchet.DecryptResult;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.ratchet.SequenceRange;
import im.sotto.protocol.trust.BareJid;

/** Turns what the ratchet's loss detection found with one decrypted message into losses to report to the user. */
public final class LossReport {
    /**
     * Our messages the peer's newest message leaves unacknowledged count as lost once they are this old: a message
     * and the peer's reply can cross on the way (the reply then acknowledges less without anything lost), and a
     * server delivers within seconds; a minute separates the two with room to spare.
     */
    public static final Duration UNACKNOWLEDGED_AFTER = Duration.ofMinutes(1);

    private LossReport() {
    }

    /**
     * The peer's messages this one proved missing, whether it was itself one reported missing before (late), and
     * ours it proves lost: only when it brings a new acknowledgement, so each loss is reported once per reply.
     */
    public static List<Loss> of(BareJid peer, long deviceId, RatchetSession session, DecryptResult result,
            long acknowledgedBefore) {
        List<Loss> losses = new ArrayList<>(ofPeerMessages(peer, deviceId, result));
        if (result instanceof DecryptResult.Decrypted && session.acknowledgedByPeer() > acknowledgedBefore) {
            Optional<SequenceRange> lost = session.unacknowledgedOlderThan(UNACKNOWLEDGED_AFTER);
            lost.ifPresent(range -> losses.add(new Loss.NotAcknowledged(peer, deviceId, range)));
        }
        return losses;
    }

    /**
     * Only the peer's messages this one proved missing, and whether it was late: for a message decrypted under a
     * session a newer one replaced. Ours unacknowledged in that session were reported once, when it was replaced
     * ({@link #unacknowledgedInReplaced}); an acknowledgement arriving under it now leaves nothing to act on.
     */
    public static List<Loss> ofPeerMessages(BareJid peer, long deviceId, DecryptResult result) {
        if (!(result instanceof DecryptResult.Decrypted decrypted)) {
            return List.of();
        }
        List<Loss> losses = new ArrayList<>();
        if (!decrypted.newlyMissing().isEmpty()) {
            losses.add(new Loss.MessagesMissing(peer, deviceId, decrypted.newlyMissing()));
        }
        if (decrypted.late()) {
            losses.add(new Loss.ArrivedLate(peer, deviceId, decrypted.sequence()));
        }
        return losses;
    }

    /**
     * Our messages in a session that a new one with the same device replaces and that the peer never acknowledged:
     * a deleted first message or handshake leaves the peer without the session, it starts a new one, and what we sent
     * in the old one would otherwise vanish without a word. They may have arrived (a peer that read and never
     * replied acknowledged nothing), so the event says "not acknowledged". Only what is not sent again under the new
     * session ({@link Resends#notSentAgain}) is reported: the rest goes out again by itself.
     */
    public static Optional<Loss> unacknowledgedInReplaced(BareJid peer, long deviceId, Optional<byte[]> oldRecord,
            SecureRandom random, Clock clock) {
        if (oldRecord.isEmpty()) {
            return Optional.empty();
        }
        SessionRecord old;
        RatchetSession oldSession;
        try {
            old = SessionRecord.decode(oldRecord.get());
            oldSession = old.ratchetSession(random, clock);
        } catch (RuntimeException e) {
            return Optional.empty();   // an unreadable old record has nothing to report; the new one replaces it
        }
        // Content only: an empty message (a heartbeat, the session's confirmation) is nothing a user could miss.
        return Resends.notSentAgain(old, oldSession).map(range -> new Loss.NotAcknowledged(peer, deviceId, range));
    }
}
