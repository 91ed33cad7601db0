package im.sotto.protocol.ratchet;

/** An inclusive range of session-wide message numbers, {@code first..last}. */
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
