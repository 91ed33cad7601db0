package im.sotto.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import im.sotto.protocol.store.MessageLog;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.store.StoreFailureException;

/**
 * Reads the records {@code status} and {@code listen} depend on, so that a damaged one is reported when they start
 * (issue #18) instead of surfacing as an error when a message from that contact arrives. Every record is sealed
 * with its row, so reading is checking: a flipped bit or a row moved elsewhere fails its integrity check.
 */
final class StoreCheck {
    /** Log entries read at most: the check must not make a start slow on a long history. */
    static final int MAX_LOG_ENTRIES = 50_000;
    private static final int PAGE = 500;

    private StoreCheck() {
    }

    /** What is damaged, if anything. */
    static Optional<String> damage(Accounts.Opened opened) {
        try {
            opened.store.transact(stores -> {
                Set<String> peers = new TreeSet<>(stores.outboundQueue().peers());
                for (SessionAddress address : stores.sessions().addresses()) {
                    stores.sessions().load(address);
                    peers.add(address.peer());
                }
                for (String peer : peers) {
                    stores.identities().peerTrust(peer);
                    stores.outboundQueue().pending(peer);
                }
                return null;
            });
            long after = 0;
            for (int read = 0; read < MAX_LOG_ENTRIES; read += PAGE) {
                long from = after;
                List<MessageLog.Logged> page = opened.store.transact(s -> s.messageLog().read(from, PAGE));
                if (page.isEmpty()) {
                    break;
                }
                after = page.get(page.size() - 1).sequence();
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof StoreFailureException failure
                        && failure.kind() == StoreFailureException.Kind.DAMAGED) {
                    return Optional.of(failure.getMessage());
                }
            }
            throw e;
        }
    }

    /** The warning line's text. */
    static String warning(String detail) {
        return "store damaged: " + detail + "; what that record held cannot be used. Restore the account's folder "
                + "from a backup; without one, move it aside and add the account again";
    }

    /** The warning as a listen event. */
    static Map<String, Object> event(String detail) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("event", "store-damaged");
        e.put("detail", warning(detail));
        return e;
    }
}
