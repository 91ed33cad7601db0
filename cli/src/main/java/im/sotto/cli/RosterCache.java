package im.sotto.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;

import im.sotto.protocol.store.AccountStore;
import im.sotto.protocol.store.StoreFailureException;

import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;

/**
 * What the server last told a command about the account's contacts, kept for the commands that do not log in
 * ({@code sotto contacts}): the roster (each contact's subscription), each contact's last presence, and the
 * subscription requests the user has not answered yet. The server stays the authority: it redelivers an unanswered
 * request at every login, and a command that logs in rewrites this from what it says.
 *
 * <p>Kept in the account's store, one sealed {@link ContactRecord} per contact under a blind index: who the user talks
 * to is as private as what is said. Earlier versions wrote it in the clear to {@code contacts.properties} beside the
 * store; the first load imports such a file and deletes it.
 */
final class RosterCache {
    /** The cleartext file of earlier versions: imported once, then deleted. */
    static final String LEGACY_FILE = "contacts.properties";
    private static final String CONTACT = "contact.";
    private static final String PRESENCE = "presence.";
    private static final String PENDING = "pending.";
    /** A bound on what the legacy file may hold: a roster of thousands of contacts stays far below it. */
    private static final long MAX_FILE_BYTES = 4L << 20;
    /** A presence summary kept for display; a contact with hundreds of resources is cut here, not refused. */
    private static final int MAX_SUMMARY_CHARS = 1000;

    /** One contact's last known presence: "available (resource)", "away (resource)", "offline", at a time. */
    record Presence(String summary, Instant at) {
    }

    private final AccountStore store;
    private final Map<String, String> subscriptions = new TreeMap<>();
    private final Map<String, Presence> presences = new TreeMap<>();
    private final Map<String, Instant> pending = new TreeMap<>();
    /** What the store holds now, per contact, as encoded: a save writes only what changed. */
    private final Map<String, byte[]> saved = new HashMap<>();
    /** The store's contacts could not be read: the next save replaces all of them, damaged records included. */
    private boolean replaceAll;

    private RosterCache(AccountStore store) {
        this.store = store;
    }

    /**
     * A cache of this run only, for a command that changes the roster while another process of the account holds
     * the store: that process learns the change from the server's roster push and stores it.
     */
    static RosterCache detached() {
        return new RosterCache(null);
    }

    /**
     * For a command that logs in: a damaged record or legacy file does not stop it, it is said on {@code progress}
     * and the cache starts empty, to be rewritten from what the server says.
     */
    static RosterCache loadOrReplace(AccountStore store, Path accountDirectory, PrintStream progress) {
        try {
            return load(store, accountDirectory, progress);
        } catch (CliException e) {
            progress.println("Note: " + e.getMessage());
            RosterCache replacing = new RosterCache(store);
            replacing.replaceAll = true;
            return replacing;
        }
    }

    /**
     * The cache of the account whose store is {@code store}, after importing (and deleting) a legacy cleartext file
     * in {@code accountDirectory}; a damaged legacy file is deleted with a note on {@code progress}, since the server
     * writes it all again and its cleartext must not stay.
     */
    static RosterCache load(AccountStore store, Path accountDirectory, PrintStream progress) {
        RosterCache cache = new RosterCache(store);
        try {
            store.transact(s -> {
                for (String peer : s.contacts().peers()) {
                    byte[] encoded = s.contacts().load(peer).orElseThrow();
                    cache.take(peer, ContactRecord.decode(encoded));
                    cache.saved.put(peer, encoded);
                }
                return null;
            });
        } catch (ContactRecord.Malformed | StoreFailureException e) {
            throw new CliException(ExitCode.STORE, "the contacts in the store are damaged (" + e.getMessage()
                    + "); the next command that logs in writes them again", e);
        }
        cache.importLegacy(accountDirectory, progress);
        return cache;
    }

    private void take(String peer, ContactRecord record) {
        record.subscription().ifPresent(value -> subscriptions.put(peer, value));
        record.presence().ifPresent(value -> presences.put(peer, value));
        record.pendingSince().ifPresent(value -> pending.put(peer, value));
    }

    /** Imports a {@link #LEGACY_FILE} (what the store has wins), saves, then deletes the file and its temporaries. */
    private void importLegacy(Path accountDirectory, PrintStream progress) {
        Path file = accountDirectory.resolve(LEGACY_FILE);
        if (!Files.exists(file)) {
            return;
        }
        try {
            RosterCache legacy = readLegacy(file);
            legacy.subscriptions.forEach(subscriptions::putIfAbsent);
            legacy.presences.forEach(presences::putIfAbsent);
            legacy.pending.forEach(pending::putIfAbsent);
            save();
            progress.println("Note: moved the contacts from " + file + " (cleartext) into the encrypted store");
        } catch (CliException e) {
            progress.println("Note: " + e.getMessage() + "; deleted it, the next command that logs in writes the "
                    + "contacts again, into the encrypted store");
        }
        deleteLegacy(accountDirectory);
    }

    private static void deleteLegacy(Path accountDirectory) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(accountDirectory, LEGACY_FILE + "*")) {
            for (Path f : files) {
                Files.deleteIfExists(f); // the file and temporaries of an interrupted write
            }
        } catch (IOException e) {
            throw new CliException(ExitCode.STORE, "cannot delete the cleartext " + accountDirectory.resolve(
                    LEGACY_FILE) + ": " + e.getMessage() + "; delete it by hand", e);
        }
    }

    private static RosterCache readLegacy(Path file) {
        RosterCache cache = new RosterCache(null);
        Properties read = new Properties();
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new CliException(ExitCode.STORE, file + " is larger than " + MAX_FILE_BYTES + " bytes");
            }
            try (InputStream in = Files.newInputStream(file)) {
                read.load(in);
            }
        } catch (NoSuchFileException e) {
            return cache;
        } catch (IOException e) {
            throw new CliException(ExitCode.STORE, "cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            for (String key : read.stringPropertyNames()) {
                String value = read.getProperty(key);
                if (key.startsWith(CONTACT)) {
                    cache.subscriptions.put(jid(key.substring(CONTACT.length())), value);
                } else if (key.startsWith(PENDING)) {
                    cache.pending.put(jid(key.substring(PENDING.length())), Instant.parse(value));
                } else if (key.startsWith(PRESENCE)) {
                    int bar = value.indexOf('|');
                    if (bar < 0) {
                        throw new IllegalArgumentException("presence without its time: " + key);
                    }
                    cache.presences.put(jid(key.substring(PRESENCE.length())),
                            new Presence(value.substring(bar + 1), Instant.parse(value.substring(0, bar))));
                } else {
                    throw new IllegalArgumentException("unknown entry " + key);
                }
            }
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new CliException(ExitCode.STORE, file + " is damaged (" + e.getMessage() + ")", e);
        }
        return cache;
    }

    private static String jid(String text) {
        try {
            BareJid jid = JidCreate.bareFrom(text);
            if (!jid.toString().equals(text)) {
                throw new IllegalArgumentException("not a normalised address: " + text);
            }
            return text;
        } catch (XmppStringprepException e) {
            throw new IllegalArgumentException("not an address: " + text, e);
        }
    }

    /** Unanswered subscription requests, by address, with when each was first seen. */
    synchronized Map<String, Instant> pending() {
        return new TreeMap<>(pending);
    }

    /** Roster entries, by address: their subscription ("none", "to", "from", "both"; "+asked" while ours waits). */
    synchronized Map<String, String> subscriptions() {
        return new TreeMap<>(subscriptions);
    }

    synchronized Optional<Presence> presence(String jid) {
        return Optional.ofNullable(presences.get(jid));
    }

    /** Records a request; keeps the time it was first seen. Returns whether it is new. */
    synchronized boolean requested(BareJid from, Instant at) {
        return pending.putIfAbsent(from.toString(), at) == null;
    }

    /** The request was answered (here or by another client) or withdrawn. */
    synchronized void answered(BareJid from) {
        pending.remove(from.toString());
    }

    /** Replaces the roster with what the server sent; presences of contacts no longer in it are forgotten. */
    synchronized void roster(Map<String, String> bySubscription) {
        subscriptions.clear();
        subscriptions.putAll(bySubscription);
        presences.keySet().retainAll(bySubscription.keySet());
    }

    synchronized void presence(BareJid of, String summary, Instant at) {
        String kept = summary.length() > MAX_SUMMARY_CHARS ? summary.substring(0, MAX_SUMMARY_CHARS) + "..." : summary;
        presences.put(of.toString(), new Presence(kept, at));
    }

    synchronized void removed(BareJid contact) {
        subscriptions.remove(contact.toString());
        presences.remove(contact.toString());
        pending.remove(contact.toString());
    }

    /**
     * Writes what changed to the store, in one transaction: a contact no longer known is deleted there. A store
     * closed meanwhile (the command is stopping) keeps what it had: the next login writes it again.
     */
    synchronized void save() {
        if (store == null) {
            return; // detached (see detached()) or a legacy file being read
        }
        Map<String, byte[]> now = new HashMap<>();
        for (String peer : new TreeSet<>(union())) {
            ContactRecord record = new ContactRecord(Optional.ofNullable(subscriptions.get(peer)),
                    Optional.ofNullable(presences.get(peer)), Optional.ofNullable(pending.get(peer)));
            now.put(peer, record.encode());
        }
        try {
            store.transact(s -> {
                if (replaceAll) {
                    for (String stored : s.contacts().peers()) {
                        saved.putIfAbsent(stored, new byte[0]); // unknown content: rewritten or deleted below
                    }
                }
                for (String gone : saved.keySet()) {
                    if (!now.containsKey(gone)) {
                        s.contacts().delete(gone);
                    }
                }
                now.forEach((peer, encoded) -> {
                    if (!java.util.Arrays.equals(encoded, saved.get(peer))) {
                        s.contacts().store(peer, encoded);
                    }
                });
                return null;
            });
        } catch (StoreFailureException e) {
            throw new CliException(ExitCode.STORE, "cannot write the contacts to the store: " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            return; // the store was closed as the command stops: the next login writes the roster again
        }
        saved.clear();
        saved.putAll(now);
        replaceAll = false;
    }

    private java.util.Set<String> union() {
        java.util.Set<String> all = new TreeSet<>(subscriptions.keySet());
        all.addAll(presences.keySet());
        all.addAll(pending.keySet());
        return all;
    }
}
