package im.sotto.protocol.handshake;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.MalformedInputException;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a device is prepared to speak: protocol versions, cipher suites and handshake modes, each as one byte of
 * bits (version v is bit v-1, suite id n is bit n-1, mode m is its bit). Three bytes keep the cleartext part of the
 * first message below the length at which it could become a stable identifier. Bits this implementation does not
 * know are kept (they are bound into the transcript byte for byte) but ignored when choosing.
 */
public final class Offer {
    public static final int LENGTH = 3;

    private final byte[] encoded;

    private Offer(byte[] encoded) {
        this.encoded = encoded;
    }

    public static Offer of(Set<Integer> versions, Set<CipherSuite> suites, Set<HandshakeMode> modes) {
        int v = ProtocolVersion.bitmask(versions);
        int s = CipherSuite.bitmask(suites);
        int m = 0;
        for (HandshakeMode mode : modes) {
            m |= 1 << mode.bit();
        }
        if (v == 0 || s == 0 || m == 0) {
            throw new IllegalArgumentException("an offer names at least one version, suite and mode");
        }
        return new Offer(new byte[] {(byte) v, (byte) s, (byte) m});
    }

    static Offer read(ByteReader r) throws MalformedInputException {
        byte[] b = r.bytes(LENGTH);
        if (b[0] == 0 || b[1] == 0 || b[2] == 0) {
            throw new MalformedInputException("offer names no version, suite or mode");
        }
        return new Offer(b);
    }

    /** Bit 7 of the modes byte: the initiator runs a password exchange (its CPace share follows in the frame). */
    static final int PASSWORD_FLAG = 0x80;

    Offer withPassword() {
        byte[] b = encoded.clone();
        b[2] |= (byte) PASSWORD_FLAG;
        return new Offer(b);
    }

    boolean usesPassword() {
        return (encoded[2] & PASSWORD_FLAG) != 0;
    }

    public byte[] encoded() {
        return encoded.clone();
    }

    /** Versions this implementation knows, highest first is not implied: a sorted set. */
    public Set<Integer> versions() {
        return Collections.unmodifiableSet(ProtocolVersion.fromBitmask(encoded[0] & 0xff));
    }

    public Set<CipherSuite> suites() {
        return Collections.unmodifiableSet(CipherSuite.fromBitmask(encoded[1] & 0xff));
    }

    public Set<HandshakeMode> modes() {
        Set<HandshakeMode> out = EnumSet.noneOf(HandshakeMode.class);
        for (int i = 0; i < 7; i++) {
            if ((encoded[2] & (1 << i)) != 0) {
                HandshakeMode m = HandshakeMode.fromBit(i);
                if (m != null) {
                    out.add(m);
                }
            }
        }
        return Collections.unmodifiableSet(out);
    }

    /**
     * What a retry after {@code counter} offers: the versions, suites and modes given (this side's, and the modes
     * it offered first) that the counter-offer has too. INCOMPATIBLE when nothing of one kind is left.
     */
    static Offer retryAfter(Set<Integer> versions, Set<CipherSuite> suites, Set<HandshakeMode> modes, Offer counter)
            throws HandshakeException {
        Set<Integer> commonVersions = new java.util.TreeSet<>(versions);
        commonVersions.retainAll(counter.versions());
        Set<CipherSuite> commonSuites = java.util.EnumSet.noneOf(CipherSuite.class);
        commonSuites.addAll(suites);
        commonSuites.retainAll(counter.suites());
        Set<HandshakeMode> commonModes = java.util.EnumSet.copyOf(modes);
        commonModes.retainAll(counter.modes());
        if (commonVersions.isEmpty() || commonSuites.isEmpty() || commonModes.isEmpty()) {
            throw new HandshakeException(HandshakeException.Kind.INCOMPATIBLE,
                    "no version, suite or mode in common with the peer's counter-offer " + counter);
        }
        return of(commonVersions, commonSuites, commonModes);
    }

    public boolean allows(Selection s) {
        return versions().contains(s.version()) && suites().contains(s.suite()) && modes().contains(s.mode());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Offer && Arrays.equals(encoded, ((Offer) o).encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "Offer[versions=" + versions() + ", suites=" + suites() + ", modes=" + modes() + "]";
    }
}
