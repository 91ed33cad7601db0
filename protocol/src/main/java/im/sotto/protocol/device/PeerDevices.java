package im.sotto.protocol.device;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;

/**
 * What this device remembers about the devices of one account (a contact's, or its own): which are revoked, when
 * each was last heard from, and whether it was already reported stale. Immutable; stored as one record per account
 * (docs/protocol.md 11.6) so that a server that later withholds the revocation list or lists a revoked device again
 * gains nothing.
 */
public final class PeerDevices {
    public static final int FORMAT = 1;
    /**
     * The device list holds 64 devices and the revocation list 64 statements; 256 leaves room for devices that came
     * and went. At the cap the device heard from longest ago (never revoked ones first kept) is forgotten.
     */
    public static final int MAX_ENTRIES = 256;
    private static final int REVOKED = 1;
    private static final int STALE_REPORTED = 2;

    /** One device: when it was revoked (if it was), last heard from (if ever), whether its staleness was reported. */
    public record Entry(long deviceId, Optional<Instant> revokedAt, Optional<Instant> lastHeard,
            boolean staleReported) {
        Entry heard(Instant at) {
            Instant latest = lastHeard.filter(l -> l.isAfter(at)).orElse(at);
            return new Entry(deviceId, revokedAt, Optional.of(latest), false);
        }
    }

    /** What applying a published revocation list changed: the devices revoked by it that were not before. */
    public record Applied(PeerDevices devices, Set<Long> newlyRevoked) {
    }

    private final TreeMap<Long, Entry> entries;

    private PeerDevices(TreeMap<Long, Entry> entries) {
        this.entries = entries;
    }

    public static PeerDevices none() {
        return new PeerDevices(new TreeMap<>());
    }

    public Optional<Entry> entry(long deviceId) {
        return Optional.ofNullable(entries.get(deviceId));
    }

    public List<Entry> entries() {
        return Collections.unmodifiableList(new ArrayList<>(entries.values()));
    }

    public boolean isRevoked(long deviceId) {
        return entry(deviceId).flatMap(Entry::revokedAt).isPresent();
    }

    public Set<Long> revoked() {
        TreeSet<Long> out = new TreeSet<>();
        entries.values().stream().filter(e -> e.revokedAt().isPresent()).forEach(e -> out.add(e.deviceId()));
        return out;
    }

    /**
     * Applies a published list after checking every statement against {@code trusted}, the account key pinned for
     * the account. One statement that does not verify refuses the whole list, and nothing changes: a list is one
     * PEP item, and a server that mixes a forged statement into it is not trusted with the rest of it.
     */
    public Applied apply(RevocationList list, AccountPublicKey trusted) throws DeviceStatementException {
        for (DeviceRevocation statement : list.statements()) {
            statement.verify(trusted);
        }
        TreeMap<Long, Entry> next = new TreeMap<>(entries);
        Set<Long> newly = new TreeSet<>();
        for (DeviceRevocation statement : list.statements()) {
            Entry before = next.get(statement.deviceId());
            if (before != null && before.revokedAt().isPresent()) {
                continue;   // revoked once is revoked for good; a replayed statement changes nothing
            }
            newly.add(statement.deviceId());
            next.put(statement.deviceId(), new Entry(statement.deviceId(), Optional.of(statement.revokedAt()),
                    before == null ? Optional.empty() : before.lastHeard(), false));
        }
        return new Applied(newly.isEmpty() ? this : bounded(next), newly);
    }

    /** A message from {@code deviceId} opened at {@code at}: it is not stale (any more). */
    public PeerDevices heard(long deviceId, Instant at) {
        TreeMap<Long, Entry> next = new TreeMap<>(entries);
        Entry before = next.get(deviceId);
        next.put(deviceId, before == null ? new Entry(deviceId, Optional.empty(), Optional.of(at), false)
                : before.heard(at));
        return bounded(next);
    }

    /** The device's staleness was reported to the user; it is not reported again until it is heard from. */
    public PeerDevices staleReported(long deviceId) {
        Entry before = entries.get(deviceId);
        if (before == null || before.staleReported()) {
            return this;
        }
        TreeMap<Long, Entry> next = new TreeMap<>(entries);
        next.put(deviceId, new Entry(deviceId, before.revokedAt(), before.lastHeard(), true));
        return new PeerDevices(next);
    }

    private static PeerDevices bounded(TreeMap<Long, Entry> entries) {
        while (entries.size() > MAX_ENTRIES) {
            Entry oldest = entries.values().stream()
                    .min((a, b) -> {
                        int revoked = Boolean.compare(a.revokedAt().isPresent(), b.revokedAt().isPresent());
                        return revoked != 0 ? revoked : a.lastHeard().orElse(Instant.EPOCH)
                                .compareTo(b.lastHeard().orElse(Instant.EPOCH));
                    }).orElseThrow();
            entries.remove(oldest.deviceId());
        }
        return new PeerDevices(entries);
    }

    /**
     * {@code u8 format = 1 || u16 n || n × (u32 device id || u8 flags (1 revoked, 2 stale reported) || u64 revoked
     * at, seconds (0 unless revoked) || u64 last heard, epoch milliseconds (0: never))}, ids strictly increasing.
     */
    public byte[] encode() {
        ByteWriter w = new ByteWriter(3 + entries.size() * 21).u8(FORMAT).u16(entries.size());
        for (Entry e : entries.values()) {
            w.u32(e.deviceId()).u8((e.revokedAt().isPresent() ? REVOKED : 0) | (e.staleReported() ? STALE_REPORTED : 0))
                    .u64(e.revokedAt().map(Instant::getEpochSecond).orElse(0L))
                    .u64(e.lastHeard().map(Instant::toEpochMilli).orElse(0L));
        }
        return w.toByteArray();
    }

    /**
     * {@link #decode} for a record this device stored itself, sealed in its store: one that does not read is a
     * damaged store, never input to recover from, so the failure is unchecked (the binding needs no codec type).
     */
    public static PeerDevices decodeStored(byte[] record) {
        try {
            return decode(record);
        } catch (MalformedInputException e) {
            throw new IllegalStateException("a stored device record cannot be read: " + e.getMessage(), e);
        }
    }

    public static PeerDevices decode(byte[] record) throws MalformedInputException {
        ByteReader r = new ByteReader(record);
        int format = r.u8();
        if (format != FORMAT) {
            throw new MalformedInputException("peer devices record format " + format);
        }
        int n = r.u16();
        if (n > MAX_ENTRIES) {
            throw new MalformedInputException(MalformedInputException.Kind.TOO_LONG, n + " device entries");
        }
        TreeMap<Long, Entry> entries = new TreeMap<>();
        long previous = 0;
        for (int i = 0; i < n; i++) {
            long id = r.u32();
            if (id <= previous || id > DeviceRevocation.MAX_DEVICE_ID) {
                throw new MalformedInputException("device ids out of order or range");
            }
            previous = id;
            int flags = r.u8();
            if ((flags & ~(REVOKED | STALE_REPORTED)) != 0) {
                throw new MalformedInputException("unknown device flags " + flags);
            }
            long revokedAt = r.u64();
            long heard = r.u64();
            if ((flags & REVOKED) == 0 && revokedAt != 0 || revokedAt < 0 || heard < 0) {
                throw new MalformedInputException("revocation time without the revoked flag, or out of range");
            }
            entries.put(id, new Entry(id, (flags & REVOKED) != 0 ? Optional.of(Instant.ofEpochSecond(revokedAt))
                    : Optional.empty(), heard == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(heard)),
                    (flags & STALE_REPORTED) != 0));
        }
        r.expectEnd();
        return new PeerDevices(entries);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PeerDevices p && p.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "PeerDevices" + entries.values();
    }
}
