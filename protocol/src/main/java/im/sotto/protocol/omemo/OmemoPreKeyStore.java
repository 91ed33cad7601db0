package im.sotto.protocol.omemo;

import java.util.List;
import java.util.Optional;

/** This device's private OMEMO prekey records by kind and id. A one-time prekey is removed once used. */
public interface OmemoPreKeyStore {
    Optional<byte[]> load(OmemoPreKeyKind kind, int id);

    void store(OmemoPreKeyKind kind, int id, byte[] record);

    /** Returns whether the prekey was there. */
    boolean remove(OmemoPreKeyKind kind, int id);

    /** Ids of one kind, ascending. */
    List<Integer> ids(OmemoPreKeyKind kind);
}
