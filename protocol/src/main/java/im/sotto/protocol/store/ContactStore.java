package im.sotto.protocol.store;

import java.util.List;
import java.util.Optional;

/**
 * What a client keeps about each contact for the commands that do not log in (subscription, last presence, an
 * unanswered request): one opaque record per contact account. Who the user talks to is as private as what is said,
 * so the address is kept encrypted like the record, never in a file of its own.
 */
public interface ContactStore {
    Optional<byte[]> load(String peerAccount);

    /** Stores or replaces the record of {@code peerAccount}. */
    void store(String peerAccount, byte[] record);

    /** Returns whether there was a record. */
    boolean delete(String peerAccount);

    /** Every contact with a record, in ascending order. */
    List<String> peers();
}
