package im.sotto.xmpp;

import java.util.List;
import java.util.Optional;

import im.sotto.protocol.session.Loss;

import org.jxmpp.jid.impl.JidCreate;

/** The binding's edge for the session layer's losses: each {@link Loss} becomes the application's event. */
final class LossEvents {
    private LossEvents() {
    }

    static SecurityEvent of(Loss loss) {
        var peer = JidCreate.bareFromOrThrowUnchecked(loss.peer().toString());
        if (loss instanceof Loss.MessagesMissing m) {
            return new SecurityEvent.MessagesMissing(peer, m.deviceId(), m.ranges());
        }
        if (loss instanceof Loss.ArrivedLate l) {
            return new SecurityEvent.ArrivedLate(peer, l.deviceId(), l.sequence());
        }
        Loss.NotAcknowledged n = (Loss.NotAcknowledged) loss;   // the last of the sealed three
        return new SecurityEvent.NotAcknowledged(peer, n.deviceId(), n.range());
    }

    static List<SecurityEvent> of(List<? extends Loss> losses) {
        return losses.stream().map(LossEvents::of).toList();
    }

    static Optional<SecurityEvent> of(Optional<? extends Loss> loss) {
        return loss.map(LossEvents::of);
    }
}
