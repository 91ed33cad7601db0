package im.sotto.xmpp;

import java.time.Instant;
import java.util.Optional;

import im.sotto.protocol.handshake.AttachedCertification;
import im.sotto.protocol.handshake.Continuity;
import im.sotto.protocol.handshake.HandshakeResult;
import im.sotto.protocol.handshake.RetainedSecrets;
import im.sotto.protocol.handshake.UnconfirmedAnswer;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.store.Stores;
import im.sotto.protocol.trust.PeerDecision;

import org.jxmpp.jid.BareJid;

/**
 * Stores the session an online handshake established, with its trust decision, retained secrets and continuity
 * verdict, in the caller's transaction: at once for a handshake that completed, or when an IK answer is confirmed
 * (docs/protocol.md 4.6).
 */
final class HandshakeCommit {
    private final SottoAccount account;

    HandshakeCommit(SottoAccount account) {
        this.account = account;
    }

    /** What a commit needs of a handshake: from its result, or from an answer confirmed later. */
    record Facts(DeviceCertificate certificate, Optional<String> sas, Continuity continuity,
            Optional<AttachedCertification> certification, RetainedSecrets toKeep, Optional<Instant> answeredAt) {
        static Facts of(HandshakeResult result) {
            return new Facts(result.peerCertificate(), result.sas().map(s -> s.display()), result.continuity(),
                    result.peerCertification(), result.retainedSecretsToKeep(), Optional.empty());
        }

        /** A confirmed answer: it and older answers to the device go, newer ones stay. */
        static Facts of(UnconfirmedAnswer answer) {
            return new Facts(answer.peerCertificate(), Optional.empty(), answer.continuity(),
                    answer.peerCertification(), answer.retainedSecretsToKeep(), Optional.of(answer.answeredAt()));
        }
    }

    /** Commits a finished handshake's session in the caller's transaction, after the trust check. */
    OnlineHandshakes.Established commit(Stores stores, BareJid peer, Facts result, RatchetSession session,
            boolean initiator, boolean password) {
        long deviceId = result.certificate().deviceId();
        Optional<String> sas = result.sas();
        PeerDecision decision = TrustRecords.onCertificate(stores, peer, result.certificate(), account.clock());
        if (decision.outcome() == PeerDecision.Outcome.ACCOUNT_KEY_CHANGED) {
            return new OnlineHandshakes.Established(peer, deviceId, initiator, sas, result.continuity(), password,
                    decision.outcome(), Optional.of(new SecurityEvent.KeyChanged(peer, decision.trust().pinnedKey()
                            .fingerprint(), result.certificate().accountKey().fingerprint())), Optional.empty(),
                    Optional.empty());
        }
        SessionRecord record = new SessionRecord(SessionOrigin.ONLINE_HANDSHAKE, session.toRecord(),
                Optional.of(result.certificate().encoded()), sas, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(result.continuity()));
        SessionAddress address = new SessionAddress(peer.toString(), deviceId);
        Optional<byte[]> replaced = stores.sessions().load(address);
        Optional<SecurityEvent> replacedLoss = LossReport.unacknowledgedInReplaced(peer, deviceId, replaced,
                account);
        stores.sessions().store(address, record.replacing(replaced, account.clock().instant()).encode());
        RetainedSecretRecord.keep(stores, peer, result.certificate(), result.continuity(), result.toKeep(),
                result.answeredAt());
        Optional<SecurityEvent> certification = Optional.empty();
        if (result.continuity() == Continuity.BROKEN) {
            // Someone with the device's keys but not its history: verification and certification are withdrawn
            // until the users compare the SAS again, and a certification from this very handshake is not applied.
            TrustRecords.store(stores, peer, TrustRecords.load(stores, peer, account.clock()).orElseThrow()
                    .continuityBroken());
        } else {
            certification = result.certification().flatMap(attached -> Certifications.check(account, stores,
                    peer, result.certificate().accountKey(), attached));
        }
        return new OnlineHandshakes.Established(peer, deviceId, initiator, sas, result.continuity(), password,
                decision.outcome(), Optional.empty(), certification, replacedLoss);
    }
}
