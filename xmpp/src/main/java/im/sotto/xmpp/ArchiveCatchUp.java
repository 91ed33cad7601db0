package im.sotto.xmpp;

import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

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
 * The position is the server's archive id (the XEP-0359 stanza-id the server adds "by" this account) of an archived
 * stanza up to which everything archived was processed, kept in the core's {@code ArchiveCursor} with a message log
 * sequence number. Only archive results move it, and it trails the newest result seen ({@link SettledPosition}): a
 * live stanza never moves it, so the position cannot pass an archived stanza this connection never got. Stanzas
 * processed beyond the stored position (live, or by a run that crashed) are recognised on catch-up by this run's
 * memory of archive ids or by the message log (same sender, same stanza id) and skipped, so they are neither
 * delivered twice nor tried against a ratchet that has moved on. While a run goes on, a pass from the stored position
 * (an advance pass) runs when live stanzas were processed and {@link #ADVANCE_EVERY_MS} passed since the last pass, or
 * after {@link #ADVANCE_AT_LEAST_EVERY} live stanzas: it processes whatever the archive holds that the live stream
 * did not bring, and moves the position. Worker thread only.
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
    /**
     * An advance pass runs at most this often (when live stanzas were processed and the worker is idle): each costs
     * one query of {@link #PAGE_SIZE} results per page over what arrived since the stored position, most of it already
     * processed; a crash costs the next login at most this long (plus {@link SettledPosition#SETTLE}) of results again.
     */
    static final long ADVANCE_EVERY_MS = 120_000;
    /** Live stanzas after which an advance pass runs even if the worker is never idle (a steady stream). */
    static final int ADVANCE_AT_LEAST_EVERY = 2_000;
    /**
     * Test hook: {@code -Dsotto.archive.advanceEveryMs=N} shortens {@link #ADVANCE_EVERY_MS} (0: after every idle live
     * stanza), so a test sees an advance pass within seconds. Read when a manager is enabled; never set it in
     * production.
     */
    static final String ADVANCE_EVERY_PROPERTY = "sotto.archive.advanceEveryMs";

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
    /** False until a login's catch-up completed: no advance pass runs before (the login's passes are under way). */
    private boolean caughtUp;
    private final SettledPosition settled = new SettledPosition(SettledPosition.SETTLE);
    private final long advanceEveryMs = Long.getLong(ADVANCE_EVERY_PROPERTY, ADVANCE_EVERY_MS);
    /** Where the next pass of a capped catch-up goes on (in memory: the stored position trails it); null: stored. */
    private ArchivePosition continueFrom;
    /** A log sequence no later than the log's end: read at each pass, so at or before every entry written since. */
    private long logWatermark = -1;
    private long lastPassEndedMs = Long.MIN_VALUE / 2;
    private int sinceAdvance;

    ArchiveCatchUp(SottoAccount account, XMPPConnection connection, Consumer<SecurityEvent> events) {
        this.account = account;
        this.connection = connection;
        this.events = events;
    }

    /** A new stream: no advance pass until its login's catch-up completed; a capped pass goes on from the position. */
    void connecting() {
        caughtUp = false;
        continueFrom = null;
    }

    /** The login's catch-up reached the archive's end: advance passes may run. */
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

    /**
     * Records that {@code live} was processed ({@code idle}: nothing else waits for the worker); true when an advance
     * pass is due. A live stanza never moves the stored position itself ({@link SettledPosition}).
     */
    boolean processed(Stanza live, boolean idle) {
        Optional<String> id = archiveId(live);
        if (id.isEmpty()) {
            return false;
        }
        settled.processed(id.get(), logWatermark());
        sinceAdvance++;
        return caughtUp && (sinceAdvance >= ADVANCE_AT_LEAST_EVERY
                || (idle && account.clock().millis() - lastPassEndedMs >= advanceEveryMs));
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
     * One pass: fetches and processes (through {@code process}) what the archive holds after the stored position (or
     * where a capped pass stopped), at most {@code passCap} results; true when it reached the archive's end, false
     * when the cap stopped it. Results this run processed, or the log shows processed, are skipped; after each page
     * the position moves as far as {@link SettledPosition} allows. The first run on an account only records where the
     * archive ends: older messages were for the device's predecessors.
     */
    boolean fetch(Consumer<Message> process, int passCap) throws XMPPException, SmackException, InterruptedException {
        MamManager mam = MamManager.getInstanceFor(connection);
        Optional<ArchivePosition> stored = account.store().transact(ArchivePosition::loadIfPresent);
        if (stored.isEmpty()) {
            String latest = mam.getMessageUidOfLatestMessage();
            long logEnd = account.store().transact(stores -> MessageLogScan.lastSequence(stores, 0));
            store(new ArchivePosition(latest == null ? ArchivePosition.FROM_THE_START : latest,
                    account.clock().instant(), logEnd));
            passEnded();
            return true;
        }
        ArchivePosition position = stored.get();
        long watermark = account.store().transact(stores -> MessageLogScan.lastSequence(stores,
                position.logSequence()));
        logWatermark = watermark;
        Map<String, Long> logged = MessageLogScan.receivedSince(account.store(), position.logSequence());
        MamManager.MamQuery query = query(mam, continueFrom != null ? continueFrom : position, pageSize(passCap));
        LOG.log(Level.FINE, "catch-up after {0} ({1} in the log since)", new Object[] {
                (continueFrom != null ? continueFrom : position).archiveId(), logged.size()});
        settled.beginPass();
        int done = 0;
        MamManager.MamQueryPage page = query.getPage();
        while (true) {
            for (MamResultExtension result : fromOwnArchive(page)) {
                String id = result.getId();
                Message message = (Message) OwnDevices.addressed(result.getForwarded().getForwardedStanza(),
                        connection.getUser());
                long floor = settled.processedInRun(id).orElse(SettledPosition.NO_LOG_BOUND);
                if (floor == SettledPosition.NO_LOG_BOUND && forThisDevice(message)) {
                    if (MessageLogScan.hasId(message) && logged.containsKey(MessageLogScan.key(message))) {
                        floor = logged.get(MessageLogScan.key(message));
                    } else {
                        LOG.log(Level.FINE, "catch-up processes {0} ({1})", new Object[] {id, message.getStanzaId()});
                        process.accept(message);
                        floor = watermark;
                        settled.processed(id, watermark);
                    }
                    if (MessageLogScan.hasId(message)
                            && OwnDevices.fromAnotherOwnDevice(message.getFrom(), connection.getUser())) {
                        // A server archives what a device of ours sends to our account twice (sent, received).
                        logged.putIfAbsent(MessageLogScan.key(message), watermark);
                    }
                    remember(id);
                } else if (floor == SettledPosition.NO_LOG_BOUND) {
                    remember(id);
                }
                settled.seen(id, stampOf(result), floor);
                done++;
            }
            List<MamResultExtension> results = page.getMamResultExtensions();
            if (!results.isEmpty()) {
                LOG.log(Level.FINE, "archive page {0}..{1} ({2} results)", new Object[] {results.get(0).getId(),
                        results.get(results.size() - 1).getId(), results.size()});
            }
            settled.settled(() -> account.store().transact(stores -> MessageLogScan.lastSequence(stores, watermark)),
                            account.clock().instant())
                    .filter(next -> !next.archiveId().equals(position.archiveId()))
                    .ifPresent(this::store);
            if (query.isComplete() || results.isEmpty()) {
                continueFrom = null;
                passEnded();
                return true;
            }
            if (done >= passCap) {
                continueFrom = settled.lastSeen(position.logSequence()).orElse(null);
                return false; // the next pass goes on from where this one stopped
            }
            query.pageNext(pageSize(passCap));
            page = query.getPage();
        }
    }

    private void passEnded() {
        lastPassEndedMs = account.clock().millis();
        sinceAdvance = 0;
    }

    private void store(ArchivePosition next) {
        account.store().transact(stores -> {
            stores.archiveCursor().store(next.encode());
            return null;
        });
        LOG.log(Level.FINE, "archive position {0}", next.archiveId());
    }

    /** The server's time of an archived stanza (its delay stamp); the arrival here if the server gave none. */
    private Instant stampOf(MamResultExtension result) {
        var delay = result.getForwarded().getDelayInformation();
        return delay != null ? delay.getStamp().toInstant() : account.clock().instant();
    }

    /** A log sequence at or before the log's end now (read once, then at each pass). */
    private long logWatermark() {
        if (logWatermark < 0) {
            long from = account.store().transact(ArchivePosition::loadIfPresent).map(ArchivePosition::logSequence)
                    .orElse(0L);
            logWatermark = account.store().transact(stores -> MessageLogScan.lastSequence(stores, from));
        }
        return logWatermark;
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
                        RefusalReason.FOREIGN_ARCHIVE, "an archive result sent by " + from
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
