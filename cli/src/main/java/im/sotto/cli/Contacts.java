package im.sotto.cli;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import im.sotto.protocol.store.LogEntry;
import im.sotto.protocol.store.MessageLog;
import im.sotto.protocol.store.SessionAddress;

/** What the store knows about contacts: their devices (one session each) and when each was last heard from. */
final class Contacts {
    private static final int PAGE = 500;

    private Contacts() {
    }

    /** Devices with a session, per peer account, ordered. */
    static Map<String, List<SessionAddress>> devices(Accounts.Opened opened) {
        Map<String, List<SessionAddress>> byPeer = new TreeMap<>();
        for (SessionAddress address : opened.store.transact(s -> s.sessions().addresses())) {
            byPeer.computeIfAbsent(address.peer(), p -> new java.util.ArrayList<>()).add(address);
        }
        return byPeer;
    }

    /** The time of the last stanza received from each device, from the local message log. */
    static Map<SessionAddress, Instant> lastSeen(Accounts.Opened opened) {
        Map<SessionAddress, Instant> seen = new HashMap<>();
        long after = 0;
        while (true) {
            long from = after;
            List<MessageLog.Logged> page = opened.store.transact(s -> s.messageLog().read(from, PAGE));
            for (MessageLog.Logged logged : page) {
                LogEntry entry = logged.entry();
                if (entry.direction() == LogEntry.Direction.RECEIVED) {
                    seen.merge(entry.peer(), entry.time(), (a, b) -> a.isAfter(b) ? a : b);
                }
                after = logged.sequence();
            }
            if (page.size() < PAGE) {
                return seen;
            }
        }
    }
}
