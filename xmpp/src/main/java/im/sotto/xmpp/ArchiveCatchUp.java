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
     * Archived messages processed per pass at most: bounds the work one worker task does for a huge (or hostile)
     * archive, so that sending, handshakes and publishing run between passes. A capped pass is followed by another on
     * the worker until the archive's end; the cursor moves only over what was processed.
     */
    static final int MAX_PER_PASS = 5_000;
    /**
     * Archive ids processed by catch-up in this run, remembered so that the same stanzas delivered live afterwards
     * (offline storage flushes after login, held live stanzas) are skipped; two passes' worth.
     */
    static final int REMEMBERED_IDS = 2 * MAX_PER_PASS;
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
     * False until a login's catch-up completed: live stanzas processed meanwhile (a hold given up, or let through)
     * must not move the position past archived ones not fetched yet (they would never be fetched), so the position
     * stays until the next try. False from the start: a server delivers live stanzas to the bound resource before
     * Smack reports the login, and those moved the position past what waited in the archive (issue #23).
     */
    private boolean caughtUp;
    private String lastArchiveId;
    private int sinceMark;

    ArchiveCatchUp(SottoAccount account, XMPPConnection connection, Consumer<SecurityEvent> events) {
        this.account = account;
        this.connection = connection;
        this.events = events;
    }

    /** A new stream: nothing live moves the position until its login's catch-up completed. */
    void connecting() {
        caughtUp = false;
    }

    /** The login's catch-up reached the archive's end: live stanzas move the position again. */
    void caughtUp() {
        caughtUp = true;
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

    /** Whether this device has a stored archive position, or learned that its server keeps no archive. */
    boolean positionKnown() {
        return Boolean.FALSE.equals(supported)
                || account.store().transact(ArchivePosition::loadIfPresent).isPresent();
    }

    /** Whether the account's server archived {@code stanza}: it carries the archive id the server gave it. */
    boolean archived(Stanza stanza) {
        return archiveId(stanza).isPresent();
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

    /** Waits (up to {@link #PRESENCE_WAIT_MS}) for the connection's initial presence; see there. */
    void awaitInitialPresence() throws InterruptedException {
        if (connection instanceof AbstractXMPPConnection tcp && tcp.getConfiguration().isSendPresence()) {
            try {
                initialPresence.get(PRESENCE_WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                LOG.log(Level.FINE, "no initial presence seen; catching up anyway");
            }
        }
    }

    /**
     * One pass: fetches and processes (through {@code process}) what the archive holds after the stored position, at
     * most {@code passCap} results; true when it reached the archive's end, false when the cap stopped it. The first
     * run on an account only records where the archive ends: older messages were for the device's predecessors.
     */
    boolean fetch(Consumer<Message> process, int passCap) throws XMPPException, SmackException, InterruptedException {
        MamManager mam = MamManager.getInstanceFor(connection);
        Optional<ArchivePosition> stored = account.store().transact(ArchivePosition::loadIfPresent);
        if (stored.isEmpty()) {
            String latest = mam.getMessageUidOfLatestMessage();
            lastArchiveId = latest == null ? ArchivePosition.FROM_THE_START : latest;
            sinceMark = 1;
            mark();
            return true;
        }
        Set<String> logged = processedSince(stored.get());
        MamManager.MamQuery query = query(mam, stored.get(), pageSize(passCap));
        LOG.log(Level.FINE, "catch-up after {0} ({1} in the log since)",
                new Object[] {stored.get().archiveId(), logged.size()});
        int done = 0;
        MamManager.MamQueryPage page = query.getPage();
        while (true) {
            for (MamResultExtension result : fromOwnArchive(page)) {
                Message message = (Message) OwnDevices.addressed(result.getForwarded().getForwardedStanza(),
                        connection.getUser());
                if (forThisDevice(message) && !(hasId(message) && logged.contains(logKey(message)))) {
                    LOG.log(Level.FINE, "catch-up processes {0} ({1})",
                            new Object[] {result.getId(), message.getStanzaId()});
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
                return true;
            }
            if (done >= passCap) {
                return false; // the next pass goes on from the position just marked
            }
            query.pageNext(pageSize(passCap));
            page = query.getPage();
        }
    }

    /** Results per page: the common server maximum, or the per-pass cap when a test lowered it below. */
    private static int pageSize(int passCap) {
        return Math.min(PAGE_SIZE, passCap);
    }

    private MamManager.MamQuery query(MamManager mam, ArchivePosition from, int pageSize)
            throws XMPPException.XMPPErrorException, SmackException.NoResponseException,
            SmackException.NotConnectedException, SmackException.NotLoggedInException, InterruptedException {
        MamManager.MamQueryArgs.Builder args = MamManager.MamQueryArgs.builder().setResultPageSizeTo(pageSize);
        if (from.archiveId().equals(ArchivePosition.FROM_THE_START)) {
            return mam.queryArchive(args.build());
        }
        try {
            return mam.queryArchive(MamManager.MamQueryArgs.builder().setResultPageSizeTo(pageSize)
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

    /** Whether the account's server keeps an archive; a missing answer is thrown (the pass is tried again). */
    boolean isSupported() throws SmackException.NoResponseException, SmackException.NotConnectedException,
            InterruptedException {
        if (supported == null) {
            try {
                supported = MamManager.getInstanceFor(connection).isSupported();
            } catch (XMPPException.XMPPErrorException e) {
                supported = false;   // the server answered: no disco#info for the account, so no archive either
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
