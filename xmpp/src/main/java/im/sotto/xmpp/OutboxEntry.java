package im.sotto.xmpp;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import org.jxmpp.jid.BareJid;

/**
 * A stanza the store's queue keeps waiting to be sent encrypted to {@code peer} ({@link SottoOutbox}).
 *
 * @param id the entry's id, to drop it ({@link SottoOutbox#drop})
 * @param sentAt when the user sent it (empty for an entry an earlier version queued without a time)
 * @param lastFailure why the last attempt failed (a {@link SendFailure} name), if one did
 * @param detail what the last failure said, if one did
 */
public record OutboxEntry(long id, BareJid peer, Optional<Instant> sentAt, Optional<String> lastFailure,
        Optional<String> detail) {
    public OutboxEntry {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(sentAt, "sentAt");
        Objects.requireNonNull(lastFailure, "lastFailure");
        Objects.requireNonNull(detail, "detail");
    }
}
