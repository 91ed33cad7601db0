package im.sotto.protocol.device;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;

/**
 * The revocation statements an account publishes (docs/protocol.md 7.7): {@code u8 format = 1 || u8 n ||
 * n statements}, device ids strictly increasing. The list is not signed as a whole: each statement is, so a server
 * can withhold or drop statements (peers keep what they saw) but not make one.
 */
public final class RevocationList {
    public static final int FORMAT = 1;
    /**
     * As many as the device list holds (64, docs/protocol.md 7.4): a person revokes a handful of devices in an
     * account's life; the bound keeps a hostile list at 64 signature checks. At the cap the oldest statement goes.
     */
    public static final int MAX_STATEMENTS = 64;

    private final List<DeviceRevocation> statements;

    private RevocationList(List<DeviceRevocation> statements) {
        this.statements = Collections.unmodifiableList(statements);
    }

    public static RevocationList empty() {
        return new RevocationList(List.of());
    }

    public static RevocationList parse(byte[] encoded) throws DeviceStatementException {
        try {
            ByteReader r = new ByteReader(encoded);
            int format = r.u8();
            if (format != FORMAT) {
                throw new DeviceStatementException(DeviceStatementException.Kind.UNSUPPORTED_VERSION,
                        "revocation list format " + format);
            }
            int n = r.u8();
            if (n > MAX_STATEMENTS) {
                throw new DeviceStatementException(DeviceStatementException.Kind.TOO_MANY, n + " revocations, at most "
                        + MAX_STATEMENTS);
            }
            List<DeviceRevocation> statements = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                DeviceRevocation statement = DeviceRevocation.parse(r.bytes(DeviceRevocation.LENGTH));
                if (!statements.isEmpty() && statements.get(i - 1).deviceId() >= statement.deviceId()) {
                    throw new DeviceStatementException(DeviceStatementException.Kind.MALFORMED,
                            "revoked device ids are not strictly increasing");
                }
                statements.add(statement);
            }
            r.expectEnd();
            return new RevocationList(statements);
        } catch (MalformedInputException e) {
            throw new DeviceStatementException(DeviceStatementException.Kind.MALFORMED,
                    "revocation list: " + e.getMessage());
        }
    }

    public List<DeviceRevocation> statements() {
        return statements;
    }

    /**
     * This list with {@code statement} added (a device already revoked keeps its first statement); at
     * {@link #MAX_STATEMENTS} the oldest statement is dropped.
     */
    public RevocationList with(DeviceRevocation statement) {
        if (statements.stream().anyMatch(s -> s.deviceId() == statement.deviceId())) {
            return this;
        }
        List<DeviceRevocation> all = new ArrayList<>(statements);
        all.add(statement);
        while (all.size() > MAX_STATEMENTS) {
            all.remove(all.stream().min(Comparator.comparing(DeviceRevocation::revokedAt)).orElseThrow());
        }
        all.sort(Comparator.comparingLong(DeviceRevocation::deviceId));
        return new RevocationList(all);
    }

    public byte[] encode() {
        ByteWriter w = new ByteWriter(2 + statements.size() * DeviceRevocation.LENGTH).u8(FORMAT)
                .u8(statements.size());
        statements.forEach(s -> w.bytes(s.encoded()));
        return w.toByteArray();
    }
}
