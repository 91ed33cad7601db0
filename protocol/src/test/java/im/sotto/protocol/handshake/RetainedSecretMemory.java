package im.sotto.protocol.handshake;

import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.wire.MalformedInputException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A store of retained secrets keyed by device key, as the binding keeps them: records, copied on every load. */
final class RetainedSecretMemory implements RetainedSecretLookup {
    private final Map<String, byte[]> byDevice = new HashMap<>();
    private final Set<AccountPublicKey> accounts = new HashSet<>();

    void put(DeviceCertificate peer, RetainedSecrets rs) {
        putRecord(peer, rs.toRecord());
    }

    /** Stores raw record bytes, e.g. of an older layout. */
    void putRecord(DeviceCertificate peer, byte[] record) {
        byDevice.put(HexFormat.of().formatHex(peer.deviceKey()), record.clone());
        accounts.add(peer.accountKey());
    }

    RetainedSecretMemory copy() {
        RetainedSecretMemory m = new RetainedSecretMemory();
        byDevice.forEach((k, v) -> m.byDevice.put(k, v.clone()));
        m.accounts.addAll(accounts);
        return m;
    }

    @Override
    public Optional<RetainedSecrets> forDevice(DeviceCertificate peer) {
        byte[] record = byDevice.get(HexFormat.of().formatHex(peer.deviceKey()));
        if (record == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(RetainedSecrets.fromRecord(record));
        } catch (MalformedInputException e) {
            throw new UncheckedIOException(new java.io.IOException(e));
        }
    }

    @Override
    public boolean knowsAccount(AccountPublicKey account) {
        return accounts.contains(account);
    }
}
