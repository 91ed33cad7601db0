package im.sotto.protocol.session;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.ratchet.SequenceRange;
import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.trust.BareJid;

/**
 * What the stored sessions still miss from their peers, reported again when a manager starts. A gap is reported
 * ({@link Loss.MessagesMissing}) right after the transaction that proved it; a process that dies in between
 * has stored the gap (as held keys) but told nobody. Reporting what is still missing at the next start makes the
 * report survive the crash; a gap reported before is reported again, which the application may merge.
 */
public final class StillMissing {
    private StillMissing() {
    }

    /** What every session in {@code store} still misses, in one transaction; sessions are read, none is changed. */
    public static List<Loss.MessagesMissing> of(AccountStore store, SecureRandom random, Clock clock) {
        return store.transact(stores -> {
            List<Loss.MessagesMissing> events = new ArrayList<>();
            for (SessionAddress address : stores.sessions().addresses()) {
                byte[] record = stores.sessions().load(address).orElseThrow();
                RatchetSession session;
                try {
                    session = SessionRecord.decode(record).ratchetSession(random, clock);
                } catch (RuntimeException e) {
                    continue;   // an unreadable record is reported when a stanza needs it
                }
                List<SequenceRange> missing = session.missingFromPeer();
                if (!missing.isEmpty()) {
                    events.add(new Loss.MessagesMissing(BareJid.parse(address.peer()), address.deviceId(), missing));
                }
            }
            return events;
        });
    }
}
