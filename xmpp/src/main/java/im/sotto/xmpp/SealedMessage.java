package im.sotto.xmpp;

import java.util.Map;
import java.util.Objects;

import org.jxmpp.jid.BareJid;

/**
 * One of our messages as it was encrypted, with the number each of the peer's devices' sessions gave it (from 0 in
 * that session). A loss report ({@link SecurityEvent.NotAcknowledged}) names these numbers; an application that keeps
 * them with its message can tell exactly which messages a report is about.
 */
public record SealedMessage(BareJid peer, String stanzaId, Map<Long, Long> sequenceByDevice) {
    public SealedMessage {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(stanzaId, "stanzaId");
        sequenceByDevice = Map.copyOf(sequenceByDevice);
    }
}
