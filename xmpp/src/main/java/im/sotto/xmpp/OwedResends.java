package im.sotto.xmpp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import im.sotto.protocol.session.Resends;
import im.sotto.protocol.session.SessionRecord;
import im.sotto.protocol.session.TrustRecords;
import im.sotto.protocol.store.LogEntry;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.store.Stores;
import im.sotto.protocol.trust.ContactTrust;
import im.sotto.xmpp.element.SottoEncrypted;
import im.sotto.xmpp.envelope.EnvelopeCodec;
import im.sotto.xmpp.envelope.EnvelopeException;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Stanza;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.EntityFullJid;

/**
 * Sends again, under a new session, what the session it replaced never had acknowledged (docs/protocol.md 7.3, "Sent
 * again under the new session"; core {@code Resends}): each owed message is read back from the message log, sealed
 * again with its original id, time and a {@link ResentMark}, and encrypted for the one device that owes it. Not
 * thread-safe: the manager calls it from its one worker thread, like {@link SessionCrypto}.
 */
final class OwedResends {
    private final SottoAccount account;
    private final EnvelopeCodec codec;
    private final SessionCrypto crypto;

    OwedResends(SottoAccount account, EnvelopeCodec codec, SessionCrypto crypto) {
        this.account = account;
        this.codec = codec;
        this.crypto = crypto;
    }

    /**
     * What replaced sessions with {@code peer}'s devices never had acknowledged, sent again under the current ones
     * that carry content, oldest first, one outer stanza per message and device with the original stanza id and the
     * mark of a copy ({@link ResentMark}; docs/protocol.md 7.3). Each leaves the device's owed list in the transaction
     * that encrypts it, so it goes out once; one whose log entry is gone or no longer parses is dropped. When
     * {@code keep}, each outer stanza is kept until the server acknowledged it ({@link UnconfirmedOutbox}).
     */
    List<SessionCrypto.Sealed> resendOwed(BareJid peer, EntityFullJid self, boolean keep) {
        if (owesNothing.contains(peer)) {
            return List.of();
        }
        boolean[] owing = {false};
        List<SealedMessage> resealed = new ArrayList<>();
        List<SessionCrypto.Sealed> sent = account.store().transact(stores -> {
            resealed.clear();
            List<SessionCrypto.Sealed> out = new ArrayList<>();
            Optional<ContactTrust> trust = TrustRecords.load(stores, CoreJid.of(peer), account.clock());
            owing[0] = false;
            for (SessionAddress address : stores.sessions().devices(peer.toString())) {
                SessionRecord record = SessionRecord.decode(stores.sessions().load(address).orElseThrow());
                owing[0] |= !record.resends().owed().isEmpty();
                if (record.resends().owed().isEmpty() || !TrustRecords.maySendToSession(trust, address.deviceId(),
                        record.peerCertificate().isPresent(), account.clock())
                        || !crypto.gate.eligible(stores, peer, address.deviceId())) {
                    continue;
                }
                var session = record.ratchetSession(account.random(), account.clock());
                if (!session.canEncrypt() || !record.carriesContent(session)) {
                    continue;   // sent once the new session carries content (its confirmation, 7.3)
                }
                for (Resends.Owed owed : record.resends().owed()) {
                    SessionRecord current = SessionRecord.decode(stores.sessions().load(address).orElseThrow());
                    current = current.withResends(current.resends().owedSent(owed.logSequence()));
                    stores.sessions().store(address, current.encode());
                    Optional<EnvelopeCodec.SentMessage> again = reopened(stores, peer, owed);
                    if (again.isEmpty()) {
                        continue;
                    }
                    Message message = again.get().message();
                    byte[] envelope;
                    try {
                        envelope = codec.seal(message, again.get().sentAt());   // the user's time, as sent
                    } catch (EnvelopeException e) {
                        continue;
                    }
                    byte[] ad = Wire.associatedData(self, peer, Wire.kindAndType(message));
                    long sequence = session.sentCount();
                    long logged = stores.messageLog().append(new LogEntry(LogEntry.Direction.SENT, address,
                            SessionCrypto.idOf(message), account.clock().instant(), envelope));
                    SessionRecord remembered = SessionCrypto.remembered(current, session, sequence, logged,
                            java.util.OptionalInt.of(owed.carrier()));
                    SottoEncrypted element = new SottoEncrypted(SottoEncrypted.Kind.RATCHET,
                            crypto.encrypt(stores, address, remembered, session, envelope, ad));
                    Stanza outer = Wire.outer(message, List.of(element));
                    out.add(new SessionCrypto.Sealed(outer, keep ? UnconfirmedOutbox.keep(stores, peer, outer) : 0,
                            java.util.Set.of(address.deviceId())));
                    resealed.add(new SealedMessage(peer, SessionCrypto.idOf(message),
                            Map.of(address.deviceId(), sequence)));
                }
            }
            return out;
        });
        resealed.forEach(m -> crypto.sealedWatchers.forEach(w -> w.accept(m)));
        if (!owing[0]) {
            owesNothing.add(peer);
        }
        return sent;
    }

    /**
     * Peers whose sessions were found owing nothing since their last new session: the check costs a transaction, and
     * runs after every stanza a peer sends. A session replaced on this worker reports a new session
     * ({@code SessionEstablished} or {@code SessionHealed}), which clears the peer's mark ({@link #mayOwe}).
     */
    private final java.util.Set<BareJid> owesNothing = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The peers whose sessions owe messages sent again (read once per login, by {@code SessionDriver.redrive}). */
    List<BareJid> peersOwing() {
        return account.store().transact(stores -> {
            java.util.Set<BareJid> owing = new java.util.LinkedHashSet<>();
            for (SessionAddress address : stores.sessions().addresses()) {
                try {
                    if (!SessionRecord.decode(stores.sessions().load(address).orElseThrow()).resends().owed()
                            .isEmpty()) {
                        owing.add(org.jxmpp.jid.impl.JidCreate.bareFrom(address.peer()));
                    }
                } catch (IllegalStateException | org.jxmpp.stringprep.XmppStringprepException e) {
                    // An unreadable record owes nothing here; the paths that use it report it.
                }
            }
            return List.copyOf(owing);
        });
    }

    /** False once {@code peer}'s sessions were found owing nothing, until a new one is made: no lookup needed. */
    boolean mayStillOwe(BareJid peer) {
        return !owesNothing.contains(peer);
    }

    /** A session with {@code peer} was made or replaced: what it may owe is looked up again at the next chance. */
    void mayOwe(BareJid peer) {
        owesNothing.remove(peer);
    }

    /** The message logged as {@code owed}'s entry, with the mark of a copy; empty if the entry is gone or damaged. */
    private Optional<EnvelopeCodec.SentMessage> reopened(Stores stores, BareJid peer, Resends.Owed owed) {
        List<im.sotto.protocol.store.MessageLog.Logged> read = stores.messageLog().read(owed.logSequence() - 1, 1);
        Optional<Message.Type> type = ResentMark.type(owed.carrier());
        if (read.isEmpty() || read.get(0).sequence() != owed.logSequence() || type.isEmpty()) {
            return Optional.empty();
        }
        LogEntry entry = read.get(0).entry();
        if (entry.direction() != LogEntry.Direction.SENT || !entry.peer().peer().equals(peer.toString())) {
            return Optional.empty();
        }
        try {
            return Optional.of(codec.reopenSent(entry.content(), peer, entry.stanzaId(), type.get(),
                    ResentMark.xml(entry.stanzaId())));
        } catch (EnvelopeException e) {
            return Optional.empty();
        }
    }
}
