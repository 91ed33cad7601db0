package im.sotto.xmpp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import im.sotto.protocol.session.OutboundRecord;
import im.sotto.protocol.store.QueuedStanza;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.util.PacketParserUtils;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * The messages the store's outbound queue keeps waiting to be sent encrypted, listed and dropped without a connection (the
 * command-line client's {@code sotto outbox}). Encrypted copies awaiting the server's acknowledgement were sent and
 * are not listed. A manager running on the same account at the same time may still send an entry dropped here if it
 * had already taken it into memory.
 */
public final class SottoOutbox {
    private SottoOutbox() {
    }

    /** The waiting entries, oldest first: for {@code peer}, or for every peer when it is empty. */
    public static List<OutboxEntry> list(SottoAccount account, Optional<BareJid> peer) {
        return account.store().transact(stores -> {
            List<OutboxEntry> out = new ArrayList<>();
            List<String> peers = peer.map(p -> List.of(p.toString())).orElseGet(() -> stores.outboundQueue().peers());
            for (String p : peers) {
                for (QueuedStanza queued : stores.outboundQueue().pending(p)) {
                    entry(queued).ifPresent(out::add);
                }
            }
            out.sort(java.util.Comparator.comparingLong(OutboxEntry::id));
            return out;
        });
    }

    /** Drops the waiting entry {@code id}; false when there is none (sent meanwhile, or an encrypted copy). */
    public static boolean drop(SottoAccount account, long id) {
        return account.store().transact(stores -> {
            for (String p : stores.outboundQueue().peers()) {
                for (QueuedStanza queued : stores.outboundQueue().pending(p)) {
                    if (queued.id() == id && entry(queued).isPresent()) {
                        return stores.outboundQueue().remove(id);
                    }
                }
            }
            return false;
        });
    }

    private static boolean isMessage(String xml) {
        try {
            return PacketParserUtils.parseStanza(xml) instanceof Message;
        } catch (Exception e) {
            return false;   // unreadable: the manager reports and drops it when it restores the queue
        }
    }

    /** Waiting entries only; an encrypted copy, or an entry that cannot be read (the manager reports it), is none. */
    private static Optional<OutboxEntry> entry(QueuedStanza queued) {
        OutboundRecord record;
        try {
            record = OutboundRecord.decode(queued.stanza());
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
        BareJid peer = JidCreate.bareFromOrThrowUnchecked(queued.peerAccount());
        if (record instanceof OutboundRecord.Waiting w) {
            if (!isMessage(w.stanzaXml())) {
                return Optional.empty();   // a directed presence waiting for its session is no message of the user's
            }
            return Optional.of(new OutboxEntry(queued.id(), peer, w.queuedAt(),
                    w.lastFailure().map(OutboundRecord.Failure::reason),
                    w.lastFailure().map(OutboundRecord.Failure::detail)));
        }
        if (record instanceof OutboundRecord.LegacyMessageBody) {
            return Optional.of(new OutboxEntry(queued.id(), peer, Optional.empty(), Optional.empty(),
                    Optional.empty()));
        }
        return Optional.empty();
    }
}
