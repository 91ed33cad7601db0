package im.sotto.xmpp;

import java.util.List;
import java.util.Optional;

import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.offline.FirstReply;
import im.sotto.protocol.offline.PendingConfirmation;
import im.sotto.protocol.ratchet.DecryptResult;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.session.LossReport;
import im.sotto.protocol.session.PreviousSessions;
import im.sotto.protocol.session.SessionRecord;
import im.sotto.protocol.session.TrustRecords;
import im.sotto.protocol.store.Stores;
import im.sotto.protocol.trust.PeerDecision;
import im.sotto.protocol.wire.MalformedInputException;
import im.sotto.xmpp.SecurityEvent.UndecryptableReason;

import org.jxmpp.jid.BareJid;

/**
 * One session state's try at a ratchet message (or an offline session's first reply): the device's current session
 * or one it replaced ({@link PreviousSessions}). Works on a copy and stores nothing; the caller commits a
 * {@link Decrypted} state in its transaction, so a message no state opens changes none.
 */
final class SessionAttempt {
    private SessionAttempt() {
    }

    sealed interface Outcome {
    }

    /**
     * The message is not this session's: no header key the state holds opens its header (or, for a first reply,
     * the state awaits none). Header keys are random per session, so only this says "try an older session"; every
     * other failure happened on a header this state opened.
     */
    record NotThisSession(String detail) implements Outcome {
    }

    /** Refused by this state; {@code decisive} ends the search (a duplicate, a forged reply, another account). */
    record Refused(SessionReceiver.Failed failed, boolean decisive) implements Outcome {
    }

    /**
     * Decrypted: {@code next} is the state to store, {@code losses} what loss detection found; {@code replyDue} when
     * the current session has received a heartbeat interval of messages without sending (its acknowledgements and a
     * fresh ratchet key are owed to the peer, {@code RatchetSession.replyDue}).
     */
    record Decrypted(SessionRecord next, byte[] plaintext, List<SecurityEvent> losses, boolean deviceNeedsApproval,
            boolean replyDue) implements Outcome {
    }

    /**
     * Tries {@code state}, the session with {@code peer}'s device {@code deviceId}; {@code current} is false for a
     * replaced session, whose decrypted messages report no unacknowledged messages of ours (that was reported when
     * it was replaced).
     */
    static Outcome of(SottoAccount account, Stores stores, BareJid peer, long deviceId, SessionRecord state,
            boolean current, byte[] payload, byte[] ad, boolean reply) {
        RatchetSession session = state.ratchetSession(account.random(), account.clock());
        if (reply) {
            return firstReply(account, stores, peer, state, session, payload, ad);
        }
        long acknowledgedBefore = session.acknowledgedByPeer();
        DecryptResult result = session.decrypt(payload, ad);
        if (!(result instanceof DecryptResult.Decrypted decrypted)) {
            return refused(result);
        }
        List<SecurityEvent> losses = CoreEvents.of(current
                ? LossReport.of(CoreJid.of(peer), deviceId, session, result, acknowledgedBefore)
                : LossReport.ofPeerMessages(CoreJid.of(peer), deviceId, result));
        return new Decrypted(state.withRatchet(session.toRecord()), decrypted.plaintext(), losses, false,
                current && session.replyDue());
    }

    private static Outcome firstReply(SottoAccount account, Stores stores, BareJid peer, SessionRecord state,
            RatchetSession session, byte[] payload, byte[] ad) {
        if (state.pendingConfirmation().isEmpty()) {
            return new NotThisSession("no first reply awaited");
        }
        FirstReply.Opened opened = FirstReply.open(session, account.device(), pending(state), payload, ad,
                account.random(), account.clock());
        if (!opened.confirmed()) {
            if (opened.failure() != FirstReply.Failure.NOT_DECRYPTED) {
                return new Refused(failed(UndecryptableReason.TAMPERED, "first reply: " + opened.failure()), true);
            }
            return refused(opened.decryptResult());
        }
        PeerDecision decision = TrustRecords.onCertificate(stores, CoreJid.of(peer), opened.recipient(), account.clock());
        if (decision.outcome() == PeerDecision.Outcome.ACCOUNT_KEY_CHANGED) {
            return new Refused(new SessionReceiver.Failed(UndecryptableReason.UNTRUSTED_SENDER,
                    "the first reply proves another account", Optional.of(keyChanged(peer, decision,
                            opened.recipient()))), true);
        }
        return new Decrypted(state.confirmed(opened.session().toRecord(), opened.recipient()), opened.plaintext(),
                List.of(), decision.outcome() == PeerDecision.Outcome.NEW_DEVICE_NEEDS_APPROVAL, false);
    }

    private static Outcome refused(DecryptResult result) {
        if (result instanceof DecryptResult.Duplicate) {
            return new Refused(failed(UndecryptableReason.DUPLICATE, "already decrypted"), true);
        }
        DecryptResult.Reason reason = ((DecryptResult.Undecryptable) result).reason();
        if (reason == DecryptResult.Reason.UNKNOWN_HEADER_KEY) {
            return new NotThisSession("ratchet: " + reason);
        }
        return new Refused(failed(reason == DecryptResult.Reason.BAD_AUTH_TAG ? UndecryptableReason.TAMPERED
                : UndecryptableReason.BROKEN_SESSION, "ratchet: " + reason), false);
    }

    private static SessionReceiver.Failed failed(UndecryptableReason reason, String detail) {
        return new SessionReceiver.Failed(reason, detail, Optional.empty());
    }

    private static PendingConfirmation pending(SessionRecord record) {
        try {
            return PendingConfirmation.decode(record.pendingConfirmation().orElseThrow());
        } catch (MalformedInputException e) {
            throw new IllegalStateException("a stored pending confirmation cannot be read", e);
        }
    }

    static SecurityEvent.KeyChanged keyChanged(BareJid peer, PeerDecision decision, DeviceCertificate presented) {
        return new SecurityEvent.KeyChanged(peer, decision.trust().pinnedKey().fingerprint(),
                presented.accountKey().fingerprint());
    }
}
