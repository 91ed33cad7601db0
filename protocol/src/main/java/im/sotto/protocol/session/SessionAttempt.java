package im.sotto.protocol.session;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.identity.Fingerprint;
import im.sotto.protocol.offline.FirstReply;
import im.sotto.protocol.offline.PendingConfirmation;
import im.sotto.protocol.ratchet.DecryptResult;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.store.Stores;
import im.sotto.protocol.trust.BareJid;
import im.sotto.protocol.trust.PeerDecision;
import im.sotto.protocol.wire.MalformedInputException;

/**
 * One session state's try at a ratchet message (or an offline session's first reply): the device's current session
 * or one it replaced ({@link PreviousSessions}). Works on a copy and stores nothing; the caller commits a
 * {@link Decrypted} state in its transaction, so a message no state opens changes none.
 */
public final class SessionAttempt {
    private SessionAttempt() {
    }

    /** Why a state refused a message it could read the header of (the binding names these for the application). */
    public enum Failure {
        /** Authentication failed: the message was altered, or forged. */
        TAMPERED,
        /** Already decrypted once: a replay. */
        DUPLICATE,
        /** The header opened but the message cannot be decrypted under this state. */
        BROKEN_SESSION,
        /** A first reply that proves another account than the one pinned. */
        UNTRUSTED_SENDER,
        /** No session with the peer at all (only {@link SessionCipher} reports this). */
        NO_SESSION
    }

    /** The account key a message proved differs from the one pinned for {@code peer}. */
    public record KeyChange(BareJid peer, Fingerprint pinned, Fingerprint presented) {
        public KeyChange {
            Objects.requireNonNull(peer, "peer");
            Objects.requireNonNull(pinned, "pinned");
            Objects.requireNonNull(presented, "presented");
        }

        /** The change {@code decision} (an {@code ACCOUNT_KEY_CHANGED}) found in {@code presented}. */
        public static KeyChange of(BareJid peer, PeerDecision decision, DeviceCertificate presented) {
            return new KeyChange(peer, decision.trust().pinnedKey().fingerprint(),
                    presented.accountKey().fingerprint());
        }
    }

    public sealed interface Outcome {
    }

    /**
     * The message is not this session's: no header key the state holds opens its header (or, for a first reply,
     * the state awaits none). Header keys are random per session, so only this says "try an older session"; every
     * other failure happened on a header this state opened.
     */
    public record NotThisSession(String detail) implements Outcome {
    }

    /** Refused by this state; {@code decisive} ends the search (a duplicate, a forged reply, another account). */
    public record Refused(Failure failure, String detail, Optional<KeyChange> keyChange, boolean decisive)
            implements Outcome {
    }

    /**
     * Decrypted: {@code next} is the state to store, {@code losses} what loss detection found; {@code replyDue} when
     * the current session has received a heartbeat interval of messages without sending (its acknowledgements and a
     * fresh ratchet key are owed to the peer, {@code RatchetSession.replyDue}); {@code firstFromPeer} when it is the
     * first message from the peer this state opened (the peer has stored the session: its retained secret is
     * confirmed, {@link RetainedSecretRecord#confirmedByRatchet}).
     */
    public record Decrypted(SessionRecord next, byte[] plaintext, List<Loss> losses, boolean deviceNeedsApproval,
            boolean replyDue, boolean firstFromPeer) implements Outcome {
    }

    /**
     * Tries {@code state}, the session with {@code peer}'s device {@code deviceId}; {@code current} is false for a
     * replaced session, whose decrypted messages report no unacknowledged messages of ours (that was reported when
     * it was replaced). {@code reply}: the message is a first reply ({@link FirstReply#isFirstReply}).
     */
    public static Outcome of(DeviceIdentity device, SecureRandom random, Clock clock, Stores stores, BareJid peer,
            long deviceId, SessionRecord state, boolean current, byte[] payload, byte[] ad, boolean reply) {
        RatchetSession session = state.ratchetSession(random, clock);
        if (reply) {
            return firstReply(device, random, clock, stores, peer, state, session, payload, ad);
        }
        long acknowledgedBefore = session.acknowledgedByPeer();
        boolean nothingReceivedBefore = session.receivedHighWater() == 0;
        DecryptResult result = session.decrypt(payload, ad);
        if (!(result instanceof DecryptResult.Decrypted decrypted)) {
            return refused(result);
        }
        List<Loss> losses = List.copyOf(current
                ? LossReport.of(peer, deviceId, session, result, acknowledgedBefore)
                : LossReport.ofPeerMessages(peer, deviceId, result));
        return new Decrypted(state.withRatchet(session.toRecord()), decrypted.plaintext(), losses, false,
                current && session.replyDue(), nothingReceivedBefore);
    }

    private static Outcome firstReply(DeviceIdentity device, SecureRandom random, Clock clock, Stores stores,
            BareJid peer, SessionRecord state, RatchetSession session, byte[] payload, byte[] ad) {
        if (state.pendingConfirmation().isEmpty()) {
            return new NotThisSession("no first reply awaited");
        }
        FirstReply.Opened opened = FirstReply.open(session, device, pending(state), payload, ad, random, clock);
        if (!opened.confirmed()) {
            if (opened.failure() != FirstReply.Failure.NOT_DECRYPTED) {
                return new Refused(Failure.TAMPERED, "first reply: " + opened.failure(), Optional.empty(), true);
            }
            return refused(opened.decryptResult());
        }
        PeerDecision decision = TrustRecords.onCertificate(stores, peer, opened.recipient(), clock);
        if (decision.outcome() == PeerDecision.Outcome.ACCOUNT_KEY_CHANGED) {
            return new Refused(Failure.UNTRUSTED_SENDER, "the first reply proves another account",
                    Optional.of(KeyChange.of(peer, decision, opened.recipient())), true);
        }
        return new Decrypted(state.confirmed(opened.session().toRecord(), opened.recipient()), opened.plaintext(),
                List.of(), decision.outcome() == PeerDecision.Outcome.NEW_DEVICE_NEEDS_APPROVAL, false, false);
    }

    private static Outcome refused(DecryptResult result) {
        if (result instanceof DecryptResult.Duplicate) {
            return new Refused(Failure.DUPLICATE, "already decrypted", Optional.empty(), true);
        }
        DecryptResult.Reason reason = ((DecryptResult.Undecryptable) result).reason();
        if (reason == DecryptResult.Reason.UNKNOWN_HEADER_KEY) {
            return new NotThisSession("ratchet: " + reason);
        }
        return new Refused(reason == DecryptResult.Reason.BAD_AUTH_TAG ? Failure.TAMPERED : Failure.BROKEN_SESSION,
                "ratchet: " + reason, Optional.empty(), false);
    }

    private static PendingConfirmation pending(SessionRecord record) {
        try {
            return PendingConfirmation.decode(record.pendingConfirmation().orElseThrow());
        } catch (MalformedInputException e) {
            throw new IllegalStateException("a stored pending confirmation cannot be read", e);
        }
    }
}
