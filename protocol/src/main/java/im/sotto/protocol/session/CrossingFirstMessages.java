package im.sotto.protocol.session;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

import im.sotto.protocol.identity.DeviceCertificate;

/**
 * Two devices that start offline sessions with each other at the same moment (docs/protocol.md 7.9, "Crossing first
 * messages"): each sent a first message before reading the other's, e.g. two devices of one account that log in
 * together and each find the other without a session, or a contact's device and our new device both writing first.
 * Were each to let the arriving first message replace its own session, each would then send under the session the
 * other started, and the two would never use one session: every message would open only under a replaced session,
 * until those expire.
 *
 * <p>Both sides decide alike, from facts both know: the session started by the device with the lower device id (on a
 * tie of ids, possible across accounts, the lower device key, compared as unsigned bytes) is the one both keep. The
 * winner keeps its own session current and stores the arriving one among the replaced sessions, so what the other
 * device sent under it before it read the winner's first message still opens (nothing is lost); the other device
 * takes the winner's first message as usual, which replaces its own. The loser's first reply then confirms the
 * winner's session. Only an unanswered first message of ours counts as crossing (its session still waits for the
 * first reply): a session the peer already answered, or one made otherwise, is replaced as before.
 */
public final class CrossingFirstMessages {
    /** Which session is the device's current one after a first message from the peer's device arrived. */
    public enum Outcome {
        /** The arriving first message's session replaces the stored one (the stored one is kept for receiving). */
        TAKE_THEIRS,
        /** Our unanswered first message's session stays current; the arriving one is kept for receiving only. */
        KEEP_OURS
    }

    /** The record to store for the peer's device, and whether its current session is the one that just arrived. */
    public record Resolution(SessionRecord record, Outcome outcome) {
    }

    private CrossingFirstMessages() {
    }

    /**
     * The decision for a first message from {@code sender} arriving while {@code stored} is this device's record for
     * that device ({@code local}: this device's certificate).
     */
    public static Outcome decide(DeviceCertificate local, DeviceCertificate sender, Optional<SessionRecord> stored) {
        if (stored.isEmpty() || !awaitsFirstReply(stored.get())) {
            return Outcome.TAKE_THEIRS;
        }
        return startsFirst(local, sender) ? Outcome.KEEP_OURS : Outcome.TAKE_THEIRS;
    }

    /**
     * The record to store: {@code arrived} (the session the first message made) replacing {@code stored}, or, when
     * ours wins, {@code stored} with {@code arrived} as its newest replaced session. An unreadable stored record is
     * replaced, as before.
     */
    public static Resolution resolve(DeviceCertificate local, DeviceCertificate sender, SessionRecord arrived,
            Optional<byte[]> stored, Instant now) {
        Optional<SessionRecord> ours;
        try {
            ours = stored.map(SessionRecord::decode);
        } catch (IllegalStateException e) {
            ours = Optional.empty();
        }
        if (decide(local, sender, ours) == Outcome.TAKE_THEIRS) {
            return new Resolution(arrived.replacing(stored, now), Outcome.TAKE_THEIRS);
        }
        SessionRecord kept = ours.orElseThrow();
        // The arriving session becomes the newest replaced one, ahead of those ours already keeps.
        PreviousSessions previous = PreviousSessions.afterReplacing(arrived.withPrevious(kept.previous()), now);
        return new Resolution(kept.withPrevious(previous), Outcome.KEEP_OURS);
    }

    /** Whether {@code stored} (a device's record, if any) holds our unanswered first message: a crossing. */
    public static boolean crossing(Optional<byte[]> stored) {
        try {
            return stored.map(SessionRecord::decode).map(CrossingFirstMessages::awaitsFirstReply).orElse(false);
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** Our offline first message, not answered yet: the only state in which two first messages cross. */
    static boolean awaitsFirstReply(SessionRecord record) {
        return record.origin() == SessionOrigin.OFFLINE_FIRST_MESSAGE && record.pendingConfirmation().isPresent()
                && record.owedReplyTranscript().isEmpty();
    }

    /** Whether {@code local} is the device whose session both sides keep. */
    static boolean startsFirst(DeviceCertificate local, DeviceCertificate sender) {
        if (local.deviceId() != sender.deviceId()) {
            return local.deviceId() < sender.deviceId();
        }
        return Arrays.compareUnsigned(local.deviceKey(), sender.deviceKey()) < 0;
    }
}
