package im.sotto.xmpp;

import java.util.List;
import java.util.Optional;

import im.sotto.protocol.session.Certifications;
import im.sotto.protocol.session.Loss;
import im.sotto.protocol.session.SessionAttempt;

import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * The binding's one translator from the session layer's outcomes (losses, certifications) to the application's
 * {@link SecurityEvent}s; peers become jxmpp JIDs here.
 */
final class CoreEvents {
    private CoreEvents() {
    }

    private static BareJid jid(im.sotto.protocol.trust.BareJid peer) {
        return JidCreate.bareFromOrThrowUnchecked(peer.toString());
    }

    static SecurityEvent of(Loss loss) {
        BareJid peer = jid(loss.peer());
        if (loss instanceof Loss.MessagesMissing m) {
            return new SecurityEvent.MessagesMissing(peer, m.deviceId(), m.ranges().stream()
                    .map(r -> SequenceRange.of(r.first(), r.last())).toList());
        }
        if (loss instanceof Loss.ArrivedLate l) {
            return new SecurityEvent.ArrivedLate(peer, l.deviceId(), l.sequence());
        }
        Loss.NotAcknowledged n = (Loss.NotAcknowledged) loss;   // the last of the sealed three
        return new SecurityEvent.NotAcknowledged(peer, n.deviceId(), SequenceRange.of(n.range().first(),
                n.range().last()));
    }

    static List<SecurityEvent> of(List<? extends Loss> losses) {
        return losses.stream().map(CoreEvents::of).toList();
    }

    static Optional<SecurityEvent> of(Optional<? extends Loss> loss) {
        return loss.map(CoreEvents::of);
    }

    /** A session state's refusal of a message, as the reason the application sees. */
    static UndecryptableReason of(SessionAttempt.Failure failure) {
        return switch (failure) {
            case TAMPERED -> UndecryptableReason.TAMPERED;
            case DUPLICATE -> UndecryptableReason.DUPLICATE;
            case BROKEN_SESSION -> UndecryptableReason.BROKEN_SESSION;
            case UNTRUSTED_SENDER -> UndecryptableReason.UNTRUSTED_SENDER;
            case NO_SESSION -> UndecryptableReason.NO_SESSION;
        };
    }

    static SecurityEvent.KeyChanged of(BareJid peer, SessionAttempt.KeyChange change) {
        return new SecurityEvent.KeyChanged(peer, change.pinned(), change.presented());
    }

    /** What checking a certification {@code peer} attached did, as the event the application sees. */
    static SecurityEvent of(BareJid peer, Certifications.Outcome outcome) {
        if (outcome instanceof Certifications.Rejected r) {
            return new SecurityEvent.CertificationRejected(peer, r.method(), r.reason(), r.detail());
        }
        Certifications.Certified c = (Certifications.Certified) outcome;   // the other of the sealed two
        return new SecurityEvent.Certified(peer, c.method(), c.subject(), c.issuer(), c.validUntil());
    }
}
