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
 * The labels an account publishes for its devices (docs/protocol.md 7.8): {@code u8 format = 1 || u8 n (0..64) ||
 * n labels}, device ids strictly increasing, one per device (a newer one replaces it). At most as many as the device
 * list holds; at the cap the label of the device that joined first goes.
 */
public final class DeviceLabels {
    public static final int FORMAT = 1;
    public static final int MAX_LABELS = RevocationList.MAX_STATEMENTS;

    private final List<DeviceLabel> labels;

    private DeviceLabels(List<DeviceLabel> labels) {
        this.labels = Collections.unmodifiableList(labels);
    }

    public static DeviceLabels empty() {
        return new DeviceLabels(List.of());
    }

    public static DeviceLabels parse(byte[] encoded) throws DeviceStatementException {
        try {
            ByteReader r = new ByteReader(encoded);
            int format = r.u8();
            if (format != FORMAT) {
                throw new DeviceStatementException(DeviceStatementException.Kind.UNSUPPORTED_VERSION,
                        "label list format "
                        + format);
            }
            int n = r.u8();
            if (n > MAX_LABELS) {
                throw new DeviceStatementException(DeviceStatementException.Kind.TOO_MANY, n + " labels");
            }
            List<DeviceLabel> labels = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                DeviceLabel label = DeviceLabel.read(r);
                if (i > 0 && labels.get(i - 1).deviceId() >= label.deviceId()) {
                    throw new DeviceStatementException(DeviceStatementException.Kind.MALFORMED,
                            "label ids not increasing");
                }
                labels.add(label);
            }
            r.expectEnd();
            return new DeviceLabels(labels);
        } catch (MalformedInputException e) {
            throw new DeviceStatementException(DeviceStatementException.Kind.MALFORMED,
                    "label list: " + e.getMessage());
        }
    }

    public List<DeviceLabel> labels() {
        return labels;
    }

    /** The labels {@code account} signed; the others (someone else wrote them) are left out. */
    public List<DeviceLabel> signedBy(AccountPublicKey account) {
        List<DeviceLabel> out = new ArrayList<>();
        for (DeviceLabel label : labels) {
            try {
                label.verify(account);
                out.add(label);
            } catch (DeviceStatementException notSigned) {
                // not the account's: shown as unlabelled
            }
        }
        return out;
    }

    /** This list with {@code label} for its device (replacing an older one); at the cap the oldest device goes. */
    public DeviceLabels with(DeviceLabel label) {
        List<DeviceLabel> all = new ArrayList<>(labels);
        all.removeIf(l -> l.deviceId() == label.deviceId());
        all.add(label);
        while (all.size() > MAX_LABELS) {
            all.remove(all.stream().min(Comparator.comparing(DeviceLabel::since)).orElseThrow());
        }
        all.sort(Comparator.comparingLong(DeviceLabel::deviceId));
        return new DeviceLabels(all);
    }

    public byte[] encode() {
        ByteWriter w = new ByteWriter().u8(FORMAT).u8(labels.size());
        labels.forEach(l -> w.bytes(l.encoded()));
        return w.toByteArray();
    }
}
