package im.sotto.protocol.session;

import java.util.List;

import im.sotto.protocol.ratchet.SequenceRange;
import im.sotto.protocol.trust.BareJid;

/**
 * A loss the session layer found ({@link LossReport}, {@link StillMissing}), for the binding to report to the user
 * as its own event. Each names the peer account and the device of the session it concerns.
 */
public sealed interface Loss {
    BareJid peer();

    long deviceId();

    /** The peer's messages with these sequence numbers never arrived (a later one proved them sent). */
    record MessagesMissing(BareJid peer, long deviceId, List<SequenceRange> ranges) implements Loss {
        public MessagesMissing {
            ranges = List.copyOf(ranges);
        }
    }

    /** The peer's message {@code sequence}, reported missing before, arrived after all. */
    record ArrivedLate(BareJid peer, long deviceId, long sequence) implements Loss {
    }

    /** Our messages in {@code range} were never acknowledged by the peer's device (see {@link LossReport}). */
    record NotAcknowledged(BareJid peer, long deviceId, SequenceRange range) implements Loss {
    }
}
