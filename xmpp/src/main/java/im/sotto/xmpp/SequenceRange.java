package im.sotto.xmpp;

/**
 * An inclusive range of one device's session-wide message numbers, {@code first..last}, as the application sees it
 * in {@link SecurityEvent.MessagesMissing} and {@link SecurityEvent.NotAcknowledged}. The binding's own value: the
 * core's ratchet keeps an equal type of its own, which the public API does not show.
 */
public record SequenceRange(long first, long last) {
    public SequenceRange {
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("bad range " + first + ".." + last);
        }
    }

    public static SequenceRange of(long first, long last) {
        return new SequenceRange(first, last);
    }

    public long size() {
        return last - first + 1;
    }

    @Override
    public String toString() {
        return first + ".." + last;
    }
}
