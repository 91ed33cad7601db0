package im.sotto.store;

import im.sotto.protocol.store.Records;
import im.sotto.protocol.store.SessionAddress;
import im.sotto.protocol.store.StoreFailureException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Records kept per peer device (sessions, retained secrets) in a table of {@code address_index} (blind index of the
 * address), {@code address} and {@code record} (both encrypted), and optionally {@code peer_index}.
 */
final class AddressedRecords {
    private final Transaction tx;
    private final String table;
    private final boolean peerIndexed;

    AddressedRecords(Transaction tx, String table, boolean peerIndexed) {
        this.tx = tx;
        this.table = table;
        this.peerIndexed = peerIndexed;
    }

    Optional<byte[]> load(SessionAddress address) {
        byte[] index = index(address);
        return tx.queryOne("SELECT record FROM " + table + " WHERE address_index = ?", r -> r.getBytes(1), index)
                .map(sealed -> tx.cipher.open(table, "record", index, sealed));
    }

    void store(SessionAddress address, byte[] record) {
        byte[] copy = Records.checkedCopy(record);
        byte[] index = index(address);
        byte[] sealedAddress = tx.cipher.seal(table, "address", index, RowCodec.address(address));
        byte[] sealedRecord = tx.cipher.seal(table, "record", index, copy);
        Arrays.fill(copy, (byte) 0);
        if (peerIndexed) {
            tx.update("INSERT INTO " + table + " (address_index, peer_index, address, record) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (address_index) DO UPDATE SET record = excluded.record", index,
                    peerIndex(address.peer()), sealedAddress, sealedRecord);
        } else {
            tx.update("INSERT INTO " + table + " (address_index, address, record) VALUES (?, ?, ?) "
                    + "ON CONFLICT (address_index) DO UPDATE SET record = excluded.record", index, sealedAddress,
                    sealedRecord);
        }
    }

    boolean delete(SessionAddress address) {
        return tx.update("DELETE FROM " + table + " WHERE address_index = ?", index(address)) > 0;
    }

    List<SessionAddress> devices(String peer) {
        if (!peerIndexed) {
            throw new IllegalStateException(table + " has no peer index");
        }
        return sorted(tx.query("SELECT address_index, address FROM " + table + " WHERE peer_index = ?",
                r -> address(r.getBytes(1), r.getBytes(2)), peerIndex(peer)));
    }

    List<SessionAddress> addresses() {
        return sorted(tx.query("SELECT address_index, address FROM " + table, r -> address(r.getBytes(1),
                r.getBytes(2))));
    }

    private SessionAddress address(byte[] index, byte[] sealed) {
        SessionAddress a = RowCodec.parseAddress(tx.cipher.open(table, "address", index, sealed));
        if (!Arrays.equals(index, index(a))) {
            throw new StoreFailureException(StoreFailureException.Kind.DAMAGED, table + " row is filed under another "
                    + "address");
        }
        return a;
    }

    private byte[] index(SessionAddress address) {
        return tx.cipher.index(table, RowCodec.address(Objects.requireNonNull(address, "address")));
    }

    private byte[] peerIndex(String peer) {
        return tx.cipher.index(table + ".peer", RowCodec.peer(peer));
    }

    private static List<SessionAddress> sorted(List<SessionAddress> addresses) {
        addresses.sort(null);
        return addresses;
    }
}
