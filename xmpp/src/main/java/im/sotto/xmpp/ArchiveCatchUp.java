package im.sotto.xmpp;

import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import im.sotto.protocol.store.LogEntry;
import im.sotto.protocol.store.MessageLog;
import im.sotto.protocol.store.Stores;
import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smackx.mam.MamManager;
import org.jivesoftware.smackx.mam.element.MamElements.MamResultExtension;
import org.jivesoftware.smackx.sid.element.StanzaIdElement;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;

/**
 * Catches up, after every login, on what the server archived for this account (XEP-0313) that this device has not
 * processed: messages the server delivered to an earlier run that died before its store committed them, and messages
 * that waited in offline storage. Sotto's content messages carry the store hint ({@link OuterStanzas}), so servers
 * archive them; handshake steps ask not to be stored and are retried instead.
 * <p>
 * The position is the server's archive id (the XEP-0359 stanza-id the server adds "by" this account) of the last
 * archived stanza processed, kept in the core's {@code ArchiveCursor} with the message log's sequence number at that
 * moment. It is written when the worker has nothing more queued, and at least every {@link #MARK_AT_LEAST_EVERY}
 * stanzas, rather than in each message's own transaction, which would double the synchronous commits per message.
 * Stanzas a crash leaves processed beyond the stored position are recognised on catch-up by the message log (same
 * sender, same stanza id) and skipped, so they are neither delivered twice nor tried against a ratchet that has moved
 * on. Worker thread only.
 */
final class ArchiveCatchUp {
    private static final Logger LOG = Logger.getLogger(ArchiveCatchUp.class.getName());
    private static final String MAM_FEATURE = "urn:xmpp:mam:2";

    /** Results asked for per page: the common server maximum (Prosody and ejabberd cap pages near 100 anyway). */
    static final int PAGE_SIZE = 100;
    /**
     * Archived messages processed per login at most: bounds the start-up work a huge (or hostile) archive can cause.
     * The cursor moves only over what was processed, so the next login goes on from there.
     */
    static final int MAX_PER_LOGIN = 5_000;
    /**
     * Archive ids processed by catch-up in this run, remembered so that the same stanzas delivered live afterwards
     * (offline storage flushes after login) are skipped; more than {@link #MAX_PER_LOGIN} so one login's fit.
     */
    static final int REMEMBERED_IDS = 2 * MAX_PER_LOGIN;
    /** The cursor is written at least this often under a steady stream (else only when the worker is idle). */
    static final int MARK_AT_LEAST_EVERY = 100;
    /**
     * Log entries read to learn what was processed after the stored cursor: at most {@link #MARK_AT_LEAST_EVERY}
     * received ones plus what was sent meanwhile; beyond this the rest is left to the ratchet's duplicate check.
     */
    static final int MAX_LOG_SCAN = 20_000;

    /**
     * How long catch-up waits for the connection's initial presence. Prosody withholds offline messages from a
     * session that queried the archive before its initial presence and keeps them for a later session, where they
     * would arrive long after catch-up processed them from the archive; so the query goes after the presence.
     */
    static final long PRESENCE_WAIT_MS = 3_000;

    private final SottoAccount account;
    private final XMPPConnection connection;
    private final Consumer<SecurityEvent> events;
    private volatile CompletableFuture<Void> initialPresence = new CompletableFuture<>();
    private final Set<String> processedByCatchUp = new LinkedHashSet<>();
    private Boolean supported;
    /**
     * False from a login until its catch-up completed: live stanzas processed meanwhile must not move the position
     * past archived ones not fetched yet (they would never be fetched), so the position stays until the next try.
     */
    private boolean caughtUp = true;
    private String lastArchiveId;
    private int sinceMark;

    ArchiveCatchUp(SottoAccount account, XMPPConnection connection, Consumer<SecurityEvent> events) {
        this.account = account;
        this.connection = connection;
        this.events = events;
    }

    /** A login began (Smack calls this before it sends the initial presence). */
    void loggedIn() {
        initialPresence = new CompletableFuture<>();
    }

    /** The connection sent its initial presence. */
    void initialPresenceSent() {
        initialPresence.complete(null);
    }

    /**
     * Whether catch-up already processed this live stanza: the server delivering it from offline storage after the
     * archive query. True once per archive id; a second live copy is a replay and goes through (and is reported).
     */
    boolean alreadyProcessed(Stanza live) {
        return archiveId(live).map(processedByCatchUp::remove).orElse(false);
    }

    /** Records that {@code live} was processed; {@code idle} when nothing else waits for the worker. */
    void processed(Stanza live, boolean idle) {
        Optional<String> id = archiveId(live);
        if (id.isEmpty()) {
            return;
        }
        if (!caughtUp) {
            return;
        }
        lastArchiveId = id.get();
        if (++sinceMark >= MARK_AT_LEAST_EVERY || idle) {
            mark();
        }
    }

    /** Writes the position reached, if it moved. */
    void mark() {
        if (lastArchiveId == null || sinceMark == 0) {
            return;
        }
        String id = lastArchiveId;
        account.store().transact(stores -> {
            ArchivePosition before = ArchivePosition.load(stores);
            stores.archiveCursor().store(new ArchivePosition(id, account.clock().instant(),
                    lastLogSequence(stores, before.logSequence())).encode());
            return null;
        });
        sinceMark = 0;
    }

    /**
     * Fetches and processes (through {@code process}) what the archive holds after the stored position. The first
     * run on an account only records where the archive ends: older messages were for the device's predecessors.
     */
    void catchUp(Consumer<Message> process) {
        if (!isSupported()) {
            return;
        }
        caughtUp = false;
        try {
            if (connection instanceof AbstractXMPPConnection tcp && tcp.getConfiguration().isSendPresence()) {
                try {
                    initialPresence.get(PRESENCE_WAIT_MS, TimeUnit.MILLISECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    LOG.log(Level.FINE, "no initial presence seen; catching up anyway");
                }
            }
            MamManager mam = MamManager.getInstanceFor(connection);
            Optional<ArchivePosition> stored = account.store().transact(ArchivePosition::loadIfPresent);
            if (stored.isEmpty()) {
                String latest = mam.getMessageUidOfLatestMessage();
                lastArchiveId = latest == null ? ArchivePosition.FROM_THE_START : latest;
                sinceMark = 1;
                mark();
                caughtUp = true;
                return;
            }
            Set<String> logged = processedSince(stored.get());
            MamManager.MamQuery query = query(mam, stored.get());
            int done = 0;
            MamManager.MamQueryPage page = query.getPage();
            while (true) {
                for (MamResultExtension result : fromOwnArchive(page)) {
                    Message message = (Message) OwnDevices.addressed(result.getForwarded().getForwardedStanza(),
                            connection.getUser());
                    if (forThisDevice(message) && !(hasId(message) && logged.contains(logKey(message)))) {
                        process.accept(message);
                        if (hasId(message) && OwnDevices.fromAnotherOwnDevice(message.getFrom(), connection.getUser())) {
                            // A server archives what a device of ours sends to our account twice (sent, received).
                            logged.add(logKey(message));
                        }
                    }
                    remember(result.getId());
                    lastArchiveId = result.getId();
                    sinceMark++;
                    done++;
                }
                mark();
                if (query.isComplete() || page.getMamResultExtensions().isEmpty()) {
                    caughtUp = true;
                    break;
                }
                if (done >= MAX_PER_LOGIN) {
                    break; // the rest at the next login; until then live stanzas leave the position alone
                }
                query.pageNext(PAGE_SIZE);
                page = query.getPage();
            }
        } catch (XMPPException | SmackException e) {
            LOG.log(Level.INFO, "archive catch-up stopped: {0}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private MamManager.MamQuery query(MamManager mam, ArchivePosition from)
            throws XMPPException.XMPPErrorException, SmackException.NoResponseException,
            SmackException.NotConnectedException, SmackException.NotLoggedInException, InterruptedException {
        MamManager.MamQueryArgs.Builder args = MamManager.MamQueryArgs.builder().setResultPageSizeTo(PAGE_SIZE);
        if (from.archiveId().equals(ArchivePosition.FROM_THE_START)) {
            return mam.queryArchive(args.build());
        }
        try {
            return mam.queryArchive(MamManager.MamQueryArgs.builder().setResultPageSizeTo(PAGE_SIZE)
                    .afterUid(from.archiveId()).build());
        } catch (XMPPException.XMPPErrorException e) {
            if (e.getStanzaError().getCondition() != StanzaError.Condition.item_not_found) {
                throw e;
            }
            // The archive no longer has that id (expired or cleared): go by time instead.
            return mam.queryArchive(args.limitResultsSince(Date.from(from.markedAt())).build());
        }
    }

    /**
     * The results of {@code page} that came from this account's own archive: sent by its bare JID, or without a
     * sender, which RFC 6120 reads as the same. Anyone who learns a query id could otherwise slip a "result" into
     * the page (Smack matches results by query id only): stanzas with forged senders, processed as if archived, and
     * an archive id of its choosing as the position. Those are reported and ignored.
     */
    private List<MamResultExtension> fromOwnArchive(MamManager.MamQueryPage page) {
        List<Message> carriers = page.getMamResultCarrierMessages();
        List<MamResultExtension> results = page.getMamResultExtensions();
        List<MamResultExtension> own = new java.util.ArrayList<>();
        EntityFullJid self = connection.getUser();
        for (int i = 0; i < results.size(); i++) {
            Jid from = carriers.get(i).getFrom();
            if (from == null || (self != null && from.equals(self.asBareJid()))) {
                own.add(results.get(i));
            } else {
                events.accept(new SecurityEvent.SessionRefused(from.asBareJid(), from,
                        SecurityEvent.RefusalReason.FOREIGN_ARCHIVE, "an archive result sent by " + from
                        + ", not by this account's archive: ignored"));
            }
        }
        return own;
    }

    private boolean isSupported() {
        if (supported == null) {
            try {
                supported = MamManager.getInstanceFor(connection).isSupported();
            } catch (XMPPException | SmackException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (!supported) {
                LOG.log(Level.INFO, "the server keeps no message archive ({0}): no catch-up after a crash", MAM_FEATURE);
            }
        }
        return supported;
    }

    /**
     * Sent to this device's full JID or to the bare account, by someone else, or by another device of ours to anyone
     * (a copy for this device may be in it), with Sotto content.
     */
    private boolean forThisDevice(Message message) {
        Jid to = message.getTo();
        Jid from = message.getFrom();
        EntityFullJid self = connection.getUser();
        if (to != null && OwnDevices.fromAnotherOwnDevice(from, self)) {
            // What another device of ours sent, to anyone: it may carry a copy for this device (OwnDevices).
            return Wire.elementsOf(message).stream().anyMatch(element -> element.kind() != SottoEncrypted.Kind.HANDSHAKE);
        }
        if (to == null || from == null || self == null || !to.asBareJid().equals(self.asBareJid())
                || from.asBareJid().equals(self.asBareJid())) {
            return false;
        }
        return (!to.hasResource() || to.equals(self)) && Wire.elementsOf(message).stream()
                .anyMatch(element -> element.kind() != SottoEncrypted.Kind.HANDSHAKE);
    }

    private Set<String> processedSince(ArchivePosition position) {
        return account.store().transact(stores -> {
            Set<String> keys = new HashSet<>();
            long after = position.logSequence();
            int scanned = 0;
            while (scanned < MAX_LOG_SCAN) {
                List<MessageLog.Logged> batch = stores.messageLog().read(after, PAGE_SIZE);
                if (batch.isEmpty()) {
                    break;
                }
                for (MessageLog.Logged logged : batch) {
                    LogEntry entry = logged.entry();
                    if (entry.direction() == LogEntry.Direction.RECEIVED) {
                        keys.add(entry.peer().peer() + "\n" + entry.stanzaId());
                    }
                    after = logged.sequence();
                }
                scanned += batch.size();
            }
            return keys;
        });
    }

    private static long lastLogSequence(Stores stores, long from) {
        long last = from;
        for (List<MessageLog.Logged> batch = stores.messageLog().read(last, PAGE_SIZE); !batch.isEmpty();
                batch = stores.messageLog().read(last, PAGE_SIZE)) {
            last = batch.get(batch.size() - 1).sequence();
        }
        return last;
    }

    private static boolean hasId(Message message) {
        return message.getStanzaId() != null && !message.getStanzaId().isEmpty();
    }

    private static String logKey(Message message) {
        return message.getFrom().asBareJid() + "\n" + SessionCrypto.idOf(message);
    }

    private void remember(String archiveId) {
        processedByCatchUp.add(archiveId);
        if (processedByCatchUp.size() > REMEMBERED_IDS) {
            processedByCatchUp.remove(processedByCatchUp.iterator().next());
        }
    }

    /** The id the account's own server gave {@code stanza} in its archive; other "by"s are anyone's to forge. */
    private Optional<String> archiveId(Stanza stanza) {
        EntityFullJid self = connection.getUser();
        if (!(stanza instanceof Message) || self == null) {
            return Optional.empty();
        }
        for (ExtensionElement element : stanza.getExtensions(StanzaIdElement.ELEMENT, StanzaIdElement.NAMESPACE)) {
            if (element instanceof StanzaIdElement id && self.asBareJid().toString().equals(id.getBy())) {
                return Optional.of(id.getId());
            }
        }
        return Optional.empty();
    }
}
