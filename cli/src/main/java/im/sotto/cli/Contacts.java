package im.sotto.cli;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import im.sotto.protocol.device.PeerDevices;
import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.SessionAddress;

/** What the store knows about contacts: their devices (one session each) and when each was last heard from. */
final class Contacts {
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

    /** {@link #lastSeen(AccountStore, Collection)} for every peer the account has a session with. */
    static Map<SessionAddress, Instant> lastSeen(Accounts.Opened opened) {
        return lastSeen(opened.store, devices(opened).keySet());
    }

    /**
     * When each device of {@code peers} was last heard from: the time its last message was opened, which the
     * binding records per device as it opens it (the device record of its account, also what staleness is judged
     * by). One record read per peer, whatever the length of the message log; reading the log for this took seconds
     * with a long history. A device never heard from is absent.
     */
    static Map<SessionAddress, Instant> lastSeen(AccountStore store, Collection<String> peers) {
        return store.transact(s -> {
            Map<SessionAddress, Instant> seen = new HashMap<>();
            for (String peer : peers) {
                Optional<byte[]> record = s.peerDevices().load(peer);
                if (record.isEmpty()) {
                    continue;
                }
                for (PeerDevices.Entry entry : PeerDevices.decodeStored(record.get()).entries()) {
                    entry.lastHeard().ifPresent(at -> seen.put(new SessionAddress(peer, entry.deviceId()), at));
                }
            }
            return seen;
        });
    }
}
