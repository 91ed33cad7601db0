package im.sotto.xmpp;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.LogEntry;
import im.sotto.protocol.store.MessageLog;
import im.sotto.protocol.store.Stores;

import org.jivesoftware.smack.packet.Message;

/**
 * What archive catch-up ({@link ArchiveCatchUp}) reads from the message log: which received stanzas were processed
 * after a log sequence (sender and stanza id, the key an archived copy is recognised by), and where the log ends.
 */
final class MessageLogScan {
    /**
     * Log entries read to learn what was processed after the stored cursor: what a run processes between two advance
     * passes plus {@link SettledPosition#SETTLE} (about 3,750 at the kill test's 25 a second), plus what was sent
     * meanwhile; beyond this the rest is left to the ratchet's duplicate check.
     */
    static final int MAX_LOG_SCAN = 20_000;
    /** Entries read per store query. */
    private static final int BATCH = ArchiveCatchUp.PAGE_SIZE;

    private MessageLogScan() {
    }

    /**
     * The keys ({@link #key}) of the received stanzas logged after {@code afterSequence}, at most the scan limit, each
     * with the sequence number just before its entry (a log sequence to scan after to find it again).
     */
    static Map<String, Long> receivedSince(AccountStore store, long afterSequence) {
        return store.transact(stores -> {
            Map<String, Long> keys = new HashMap<>();
            long after = afterSequence;
            int scanned = 0;
            while (scanned < MAX_LOG_SCAN) {
                List<MessageLog.Logged> batch = stores.messageLog().read(after, BATCH);
                if (batch.isEmpty()) {
                    break;
                }
                for (MessageLog.Logged logged : batch) {
                    LogEntry entry = logged.entry();
                    if (entry.direction() == LogEntry.Direction.RECEIVED) {
                        keys.putIfAbsent(entry.peer().peer() + "\n" + entry.stanzaId(), logged.sequence() - 1);
                    }
                    after = logged.sequence();
                }
                scanned += batch.size();
            }
            return keys;
        });
    }

    /** The log's last sequence number, read onward from {@code from} (a sequence known to exist, or 0). */
    static long lastSequence(Stores stores, long from) {
        long last = from;
        for (List<MessageLog.Logged> batch = stores.messageLog().read(last, BATCH); !batch.isEmpty();
                batch = stores.messageLog().read(last, BATCH)) {
            last = batch.get(batch.size() - 1).sequence();
        }
        return last;
    }

    static boolean hasId(Message message) {
        return message.getStanzaId() != null && !message.getStanzaId().isEmpty();
    }

    /** How the log knows a received stanza: its sender's account and its stanza id. */
    static String key(Message message) {
        return message.getFrom().asBareJid() + "\n" + SessionCrypto.idOf(message);
    }
}
