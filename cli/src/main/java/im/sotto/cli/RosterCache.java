package im.sotto.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.stringprep.XmppStringprepException;

/**
 * What the server last told a command about the account's contacts, kept for the commands that do not log in
 * ({@code sotto contacts}): the roster (each contact's subscription), each contact's last presence, and the
 * subscription requests the user has not answered yet. The server stays the authority: it redelivers an unanswered
 * request at every login, and a command that logs in rewrites this file from what it says.
 *
 * <p>The file ({@code contacts.properties}, owner-only, next to the store) holds addresses and presence, no message
 * and no key: the same facts the server keeps in the roster. Written whole to a temporary file and renamed, so a
 * crash leaves the old or the new version, never half of one.
 */
final class RosterCache {
    static final String FILE = "contacts.properties";
    private static final String CONTACT = "contact.";
    private static final String PRESENCE = "presence.";
    private static final String PENDING = "pending.";
    /** A bound on what one file may hold: a roster of thousands of contacts stays far below it. */
    private static final long MAX_FILE_BYTES = 4L << 20;

    /** One contact's last known presence: "available (resource)", "away (resource)", "offline", at a time. */
    record Presence(String summary, Instant at) {
    }

    private final Path file;
    private final Map<String, String> subscriptions = new TreeMap<>();
    private final Map<String, Presence> presences = new TreeMap<>();
    private final Map<String, Instant> pending = new TreeMap<>();

    private RosterCache(Path file) {
        this.file = file;
    }

    /**
     * For a command that logs in: a damaged file does not stop it, it is said on {@code progress} and the cache starts
     * empty, to be rewritten from what the server says.
     */
    static RosterCache loadOrReplace(Path accountDirectory, java.io.PrintStream progress) {
        try {
            return load(accountDirectory);
        } catch (CliException e) {
            progress.println("Note: " + e.getMessage());
            return new RosterCache(accountDirectory.resolve(FILE));
        }
    }

    /** The cache of the account in {@code accountDirectory}; empty when no command has written one yet. */
    static synchronized RosterCache load(Path accountDirectory) {
        RosterCache cache = new RosterCache(accountDirectory.resolve(FILE));
        Properties read = new Properties();
        try {
            if (Files.size(cache.file) > MAX_FILE_BYTES) {
                throw new CliException(ExitCode.STORE, cache.file + " is larger than " + MAX_FILE_BYTES + " bytes; "
                        + "delete it, the next command that logs in writes it again");
            }
            try (InputStream in = Files.newInputStream(cache.file)) {
                read.load(in);
            }
        } catch (NoSuchFileException e) {
            return cache;
        } catch (IOException e) {
            throw new CliException(ExitCode.STORE, "cannot read " + cache.file + ": " + e.getMessage(), e);
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
            throw new CliException(ExitCode.STORE, cache.file + " is damaged (" + e.getMessage() + "); delete it, "
                    + "the next command that logs in writes it again", e);
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
        presences.put(of.toString(), new Presence(summary, at));
    }

    synchronized void removed(BareJid contact) {
        subscriptions.remove(contact.toString());
        presences.remove(contact.toString());
        pending.remove(contact.toString());
    }

    /** Writes the file (owner-only), replacing the previous version in one rename; the last writer wins. */
    synchronized void save() {
        Properties out = new Properties();
        subscriptions.forEach((jid, subscription) -> out.setProperty(CONTACT + jid, subscription));
        pending.forEach((jid, at) -> out.setProperty(PENDING + jid, at.toString()));
        presences.forEach((jid, p) -> out.setProperty(PRESENCE + jid, p.at() + "|" + p.summary()));
        try {
            // A name of its own: a listen and a contacts command of the account may write at the same time.
            Path temporary;
            try {
                temporary = Files.createTempFile(file.getParent(), FILE + ".", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: the account directory's permissions remain.
                temporary = Files.createTempFile(file.getParent(), FILE + ".", ".tmp");
            }
            try (OutputStream stream = Files.newOutputStream(temporary, StandardOpenOption.TRUNCATE_EXISTING)) {
                out.store(stream, "Sotto: the account's contacts as the server last said (no secrets here)");
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new CliException(ExitCode.STORE, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
