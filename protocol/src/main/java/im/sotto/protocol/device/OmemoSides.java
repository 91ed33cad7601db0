package im.sotto.protocol.device;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

import im.sotto.protocol.identity.AccountPublicKey;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;

/**
 * The OMEMO sides an account publishes for its Sotto devices (docs/protocol.md 10.13): {@code u8 format = 1 || u8 n
 * (0..64) || n statements}, Sotto device ids strictly increasing, one per device (a newer one replaces it). Capped like
 * the device list; at the cap the lowest device id goes (a device no longer listed is the likeliest to be gone).
 */
public final class OmemoSides {
    public static final int FORMAT = 1;
    public static final int MAX_STATEMENTS = RevocationList.MAX_STATEMENTS;

    private final List<OmemoSide> sides;

    private OmemoSides(List<OmemoSide> sides) {
        this.sides = Collections.unmodifiableList(sides);
    }

    public static OmemoSides empty() {
        return new OmemoSides(List.of());
    }

    public static OmemoSides parse(byte[] encoded) throws DeviceStatementException {
        try {
            ByteReader r = new ByteReader(encoded);
            int format = r.u8();
            if (format != FORMAT) {
                throw new DeviceStatementException(DeviceStatementException.Kind.UNSUPPORTED_VERSION,
                        "OMEMO side list format " + format);
            }
            int n = r.u8();
            if (n > MAX_STATEMENTS) {
                throw new DeviceStatementException(DeviceStatementException.Kind.TOO_MANY, n + " OMEMO sides");
            }
            List<OmemoSide> sides = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                OmemoSide side = OmemoSide.read(r);
                if (i > 0 && sides.get(i - 1).deviceId() >= side.deviceId()) {
                    throw new DeviceStatementException(DeviceStatementException.Kind.MALFORMED,
                            "OMEMO side ids not increasing");
                }
                sides.add(side);
            }
            r.expectEnd();
            return new OmemoSides(sides);
        } catch (MalformedInputException e) {
            throw new DeviceStatementException(DeviceStatementException.Kind.MALFORMED,
                    "OMEMO side list: " + e.getMessage());
        }
    }

    public List<OmemoSide> sides() {
        return sides;
    }

    /**
     * Every statement, verified under {@code account}; one that does not verify refuses the whole list (someone other
     * than the account wrote into it: nothing in it can be relied on to leave a device out).
     */
    public List<OmemoSide> verified(AccountPublicKey account) throws DeviceStatementException {
        for (OmemoSide side : sides) {
            side.verify(account);
        }
        return sides;
    }

    /** This list with {@code side} for its device (replacing an older one); at the cap the lowest id goes. */
    public OmemoSides with(OmemoSide side) {
        List<OmemoSide> all = new ArrayList<>(sides);
        all.removeIf(s -> s.deviceId() == side.deviceId());
        all.add(side);
        all.sort(Comparator.comparingLong(OmemoSide::deviceId));
        while (all.size() > MAX_STATEMENTS) {
            all.remove(all.get(0) == side ? 1 : 0);
        }
        return new OmemoSides(all);
    }

    public byte[] encode() {
        ByteWriter w = new ByteWriter().u8(FORMAT).u8(sides.size());
        sides.forEach(s -> w.bytes(s.encoded()));
        return w.toByteArray();
    }
}
