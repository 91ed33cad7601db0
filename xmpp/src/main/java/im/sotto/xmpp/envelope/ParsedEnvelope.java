package im.sotto.xmpp.envelope;

import java.time.Instant;

import org.jxmpp.jid.Jid;

/**
 * What a well-formed envelope holds: the canonical XML of its content's children and its three affixes, each present
 * exactly once (the parser refuses anything else).
 */
record ParsedEnvelope(String content, Instant time, Jid to, Jid from) {
}
