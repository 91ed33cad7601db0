package im.sotto.xmpp.envelope;

import java.time.Instant;
import java.util.Objects;

import org.jivesoftware.smack.packet.Stanza;

/**
 * A stanza rebuilt from an envelope: the outer routing attributes with the envelope's content, of the same kind
 * as the outer stanza, plus the sender's {@code <time/>} affix.
 */
public final class OpenedStanza {
    private final StanzaKind kind;
    private final Stanza stanza;
    private final Instant sentAt;

    OpenedStanza(StanzaKind kind, Stanza stanza, Instant sentAt) {
        this.kind = Objects.requireNonNull(kind);
        this.stanza = Objects.requireNonNull(stanza);
        this.sentAt = Objects.requireNonNull(sentAt);
    }

    public StanzaKind kind() {
        return kind;
    }

    public Stanza stanza() {
        return stanza;
    }

    /**
     * The time the sender wrote into the envelope (its own clock: a claim, not a fact), to the second as Sotto writes
     * it (a stamp with a fraction, from another writer, is read as it is).
     */
    public Instant sentAt() {
        return sentAt;
    }
}
