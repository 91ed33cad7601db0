package im.sotto.protocol.store;

import java.time.Instant;

/**
 * Identifiers of first messages already accepted (those that used no one-time prekey), so a replay is refused.
 * An entry counts as present until it is purged, even past its expiry: refusing a late replay is always safe.
 */
public interface ReplayCache {
    /** Identifiers are digests chosen by the core: 1 to 64 bytes. */
    int MAX_ENTRY_LENGTH = 64;

    /** Adds the entry unless present; true if it was added (first sighting), false for a replay. */
    boolean addIfAbsent(byte[] entry, Instant expiresAt);

    /** Whether the entry is present (expired or not, until purged). */
    boolean contains(byte[] entry);

    /** Forgets entries that expired before {@code now}; returns how many. */
    int purgeExpired(Instant now);
}
