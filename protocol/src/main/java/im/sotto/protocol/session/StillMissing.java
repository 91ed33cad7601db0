package im.sotto.xmpp;

import java.util.ArrayList;
import java.util.List;

import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.ratchet.SequenceRange;
import im.sotto.protocol.session.SessionRecord;
import im.sotto.protocol.store.SessionAddress;

import org.jxmpp.jid.impl.JidCreate;

/**
 * What the stored sessions still miss from their peers, reported again when a manager starts. A gap is reported
 * ({@link SecurityEvent.MessagesMissing}) right after the transaction that proved it; a process that dies in between
 * has stored the gap (as held keys) but told nobody. Reporting what is still missing at the next start makes the
 * report survive the crash; a gap reported before is reported again, which the application may merge.
 */
final class StillMissing {
    private StillMissing() {
    }

    static List<SecurityEvent> of(SottoAccount account) {
        return account.store().transact(stores -> {
            List<SecurityEvent> events = new ArrayList<>();
            for (SessionAddress address : stores.sessions().addresses()) {
                byte[] record = stores.sessions().load(address).orElseThrow();
                RatchetSession session;
                try {
                    session = SessionRecord.decode(record).ratchetSession(account.random(), account.clock());
                } catch (RuntimeException e) {
                    continue;   // an unreadable record is reported when a stanza needs it
                }
                List<SequenceRange> missing = session.missingFromPeer();
                if (!missing.isEmpty()) {
                    events.add(new SecurityEvent.MessagesMissing(JidCreate.bareFromOrThrowUnchecked(
                            address.peer()), address.deviceId(), missing));
                }
            }
            return events;
        });
    }
}
