package im.sotto.protocol.store;

import java.util.Optional;

/**
 * Where this device stands in its account's server-side message archive: one opaque record, written by the transport
 * binding after it processed archived stanzas, so that a client restarted after a crash asks the server for exactly
 * what its previous run received but had not yet processed. The core never reads it.
 */
public interface ArchiveCursor {
    /** Empty until the binding stored one. */
    Optional<byte[]> load();

    /** Replaces the cursor; the record is checked as every record ({@link Records#checkedCopy}). */
    void store(byte[] cursor);
}
