package im.sotto.xmpp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.session.SessionRecord;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.store.Stores;
import im.sotto.protocol.trust.Continuity;

import org.jxmpp.jid.BareJid;

/**
 * What a user may see of one session with a peer device, for a status display: no key material.
 *
 * @param awaitingFirstReply an offline session we started whose recipient has not yet proved its identity
 */
public record SessionSummary(long deviceId, SessionOrigin origin, CipherSuite suite, Optional<String> sas,
        Optional<Continuity> continuity, boolean awaitingFirstReply) {

    /** The sessions held with {@code peer}'s devices, ordered by device id. */
    static List<SessionSummary> of(Stores stores, BareJid peer) {
        List<SessionSummary> summaries = new ArrayList<>();
        for (SessionAddress address : stores.sessions().devices(peer.toString())) {
            stores.sessions().load(address).map(SessionRecord::decode).ifPresent(record -> summaries.add(
                    new SessionSummary(address.deviceId(), SessionOrigin.of(record.origin()), record.suite(),
                            record.sas(), record.continuity(), record.pendingConfirmation().isPresent())));
        }
        return summaries;
    }
}
