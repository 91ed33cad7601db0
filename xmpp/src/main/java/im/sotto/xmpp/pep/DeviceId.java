package im.sotto.xmpp.pep;

/**
 * A device's number in its account's device list: 1 to 2³¹−1, chosen at random by the device. It is public by
 * design (it names the device's bundle node), so it never appears inside encrypted traffic's outer elements.
 */
public final class DeviceId {
    private final int value;

    private DeviceId(int value) {
        this.value = value;
    }

    public static DeviceId of(int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("a device id is 1.." + Integer.MAX_VALUE + ", not " + value);
        }
        return new DeviceId(value);
    }

    /** Strict decimal parsing: no sign, no leading zeros, no whitespace, in range. */
    public static DeviceId parse(String text) throws NumberFormatException {
        if (text == null || !text.matches("[1-9][0-9]{0,9}")) {
            throw new NumberFormatException("not a device id: " + text);
        }
        long value = Long.parseLong(text);
        if (value > Integer.MAX_VALUE) {
            throw new NumberFormatException("device id out of range: " + text);
        }
        return new DeviceId((int) value);
    }

    public int value() {
        return value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DeviceId && ((DeviceId) other).value == value;
    }

    @Override
    public int hashCode() {
        return value;
    }

    @Override
    public String toString() {
        return Integer.toString(value);
    }
}
