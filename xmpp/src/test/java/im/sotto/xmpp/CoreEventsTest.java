package im.sotto.xmpp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import im.sotto.protocol.session.Loss;
import im.sotto.protocol.trust.BareJid;

import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/** The one translator keeps every number of a loss: the application's ranges are the core's, bound for bound. */
class CoreEventsTest {
    private static final BareJid BOB = BareJid.parse("bob@example.org");

    @Test
    void lossesKeepTheirRangesAndPeers() throws Exception {
        SecurityEvent.MessagesMissing missing = (SecurityEvent.MessagesMissing) CoreEvents.of(
                new Loss.MessagesMissing(BOB, 7, List.of(im.sotto.protocol.ratchet.SequenceRange.of(1, 3),
                        im.sotto.protocol.ratchet.SequenceRange.of(5, 5))));
        assertEquals(JidCreate.bareFrom("bob@example.org"), missing.peer());
        assertEquals(7, missing.deviceId());
        assertEquals(List.of(SequenceRange.of(1, 3), SequenceRange.of(5, 5)), missing.ranges());
        assertEquals("[1..3, 5..5]", missing.ranges().toString(), "what the CLI prints");

        SecurityEvent.NotAcknowledged lost = (SecurityEvent.NotAcknowledged) CoreEvents.of(
                new Loss.NotAcknowledged(BOB, 8, im.sotto.protocol.ratchet.SequenceRange.of(14, 15)));
        assertEquals(8, lost.deviceId());
        assertEquals(SequenceRange.of(14, 15), lost.range());
        assertEquals(2, lost.range().size());
    }
}
