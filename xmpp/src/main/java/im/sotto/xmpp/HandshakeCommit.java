package im.sotto.xmpp;

import java.time.Instant;
import java.util.Optional;

import im.sotto.protocol.handshake.AttachedCertification;
import im.sotto.protocol.trust.Continuity;
import im.sotto.protocol.handshake.HandshakeResult;
import im.sotto.protocol.handshake.RetainedSecrets;
import im.sotto.protocol.handshake.UnconfirmedAnswer;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.session.Certifications;
import im.sotto.protocol.session.LossReport;
import im.sotto.protocol.session.Resends;
import im.sotto.protocol.session.RetainedSecretRecord;
import im.sotto.protocol.session.SessionRecord;
import im.sotto.protocol.session.TrustRecords;
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
    OnlineHandshakes.NewSession commit(Stores stores, BareJid peer, Facts result, RatchetSession session,
            boolean initiator, boolean password) {
        long deviceId = result.certificate().deviceId();
        Optional<String> sas = result.sas();
        PeerDecision decision = TrustRecords.onCertificate(stores, CoreJid.of(peer), result.certificate(), account.clock());
        if (decision.outcome() == PeerDecision.Outcome.ACCOUNT_KEY_CHANGED) {
            return new OnlineHandshakes.NewSession(peer, deviceId, initiator, sas, result.continuity(), password,
                    decision.outcome(), Optional.of(new SecurityEvent.KeyChanged(peer, decision.trust().pinnedKey()
                            .fingerprint(), result.certificate().accountKey().fingerprint())), Optional.empty(),
                    Optional.empty());
        }
        SessionRecord record = SessionRecord.builder(im.sotto.protocol.session.SessionOrigin.ONLINE_HANDSHAKE,
                session.toRecord()).peerCertificate(result.certificate().encoded()).sas(sas)
                .continuity(result.continuity()).build();
        SessionAddress address = new SessionAddress(peer.toString(), deviceId);
        Optional<byte[]> replaced = stores.sessions().load(address);
        Optional<SecurityEvent> replacedLoss = CoreEvents.of(LossReport.unacknowledgedInReplaced(
                CoreJid.of(peer), deviceId, replaced, account.random(), account.clock()));
        // What the replaced session's peer never acknowledged goes out again under this one (protocol.md 7.3).
        stores.sessions().store(address, record.replacing(replaced, account.clock().instant()).withResends(
                Resends.owedAfterReplacing(replaced, account.random(), account.clock())).encode());
        RetainedSecretRecord.keep(stores, CoreJid.of(peer), result.certificate(), result.continuity(), result.toKeep(),
                result.answeredAt());
        Optional<SecurityEvent> certification = Optional.empty();
        if (result.continuity() == Continuity.BROKEN) {
            // Someone with the device's keys but not its history: verification and certification are withdrawn
            // until the users compare the SAS again, and a certification from this very handshake is not applied.
            TrustRecords.store(stores, CoreJid.of(peer), TrustRecords.load(stores, CoreJid.of(peer),
                    account.clock()).orElseThrow().continuityBroken());
        } else {
            certification = result.certification().map(attached -> account.externalTrust().verify(attached,
                    result.certificate().accountKey(), peer.toString(), account.clock().instant()))
                    .flatMap(checked -> Certifications.apply(stores, CoreJid.of(peer), checked, account.clock()))
                    .map(outcome -> CoreEvents.of(peer, outcome));
        }
        return new OnlineHandshakes.NewSession(peer, deviceId, initiator, sas, result.continuity(), password,
                decision.outcome(), Optional.empty(), certification, replacedLoss);
    }
}
