package im.sotto.xmpp.envelope;

import java.time.Instant;
import java.util.Optional;

import org.jxmpp.jid.Jid;

/**
 * What a well-formed envelope holds: the canonical XML of its content's children and its affixes, each present at
 * most once (the parser refuses anything else). {@code to} and {@code from} are present only in envelopes sealed
 * before those affixes were dropped (docs/protocol.md 7.2).
 */
record ParsedEnvelope(String content, Instant time, Optional<Jid> to, Optional<Jid> from) {
}
