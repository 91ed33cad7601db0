package im.sotto.xmpp.it;

import java.util.List;

/**
 * What a hostile server does with one stanza: the list it returns is forwarded, in order, on the stanza's
 * connection and direction. Empty drops (or holds, if the rule kept it to {@link HostileRelay#forward} later), two
 * copies duplicate, an edited string rewrites, extra strings inject. Rules run one at a time (under the relay's
 * lock), so they may keep plain state; they must not block.
 */
@FunctionalInterface
interface StanzaRule {
    /** Forwards everything unchanged: an honest server. */
    StanzaRule PASS = stanza -> List.of(stanza.xml());

    List<String> apply(RelayedStanza stanza);
}
