package im.sotto.protocol.handshake;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.MalformedInputException;
import java.util.Objects;

/** The version, suite and mode a handshake runs with: three bytes on the wire. */
public final class Selection {
    public static final int LENGTH = 3;

    private final int version;
    private final CipherSuite suite;
    private final HandshakeMode mode;

    public Selection(int version, CipherSuite suite, HandshakeMode mode) {
        this.version = version;
        this.suite = Objects.requireNonNull(suite);
        this.mode = Objects.requireNonNull(mode);
    }

    static Selection read(ByteReader r) throws MalformedInputException {
        boolean[] flag = new boolean[1];
        Selection s = read(r, flag);
        if (flag[0]) {
            throw new MalformedInputException("password flag where none is allowed");
        }
        return s;
    }

    /** As {@link #read(ByteReader)}, accepting bit 7 of the mode byte as the password flag (known-peer frames). */
    static Selection read(ByteReader r, boolean[] passwordFlag) throws MalformedInputException {
        int version = r.u8();
        int suiteId = r.u8();
        int modeByte = r.u8();
        passwordFlag[0] = (modeByte & Offer.PASSWORD_FLAG) != 0;
        int modeBit = modeByte & ~Offer.PASSWORD_FLAG;
        CipherSuite suite = CipherSuite.fromWireId(suiteId)
                .orElseThrow(() -> new MalformedInputException("unknown suite " + suiteId));
        HandshakeMode mode = HandshakeMode.fromBit(modeBit);
        if (mode == null) {
            throw new MalformedInputException("unknown handshake mode " + modeBit);
        }
        return new Selection(version, suite, mode);
    }

    byte[] encoded() {
        return encoded(false);
    }

    byte[] encoded(boolean passwordFlag) {
        return new byte[] {(byte) version, (byte) suite.wireId(),
            (byte) (mode.bit() | (passwordFlag ? Offer.PASSWORD_FLAG : 0))};
    }

    public int version() {
        return version;
    }

    public CipherSuite suite() {
        return suite;
    }

    public HandshakeMode mode() {
        return mode;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Selection)) {
            return false;
        }
        Selection s = (Selection) o;
        return version == s.version && suite == s.suite && mode == s.mode;
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, suite, mode);
    }

    @Override
    public String toString() {
        return "v" + version + "/" + suite + "/" + mode;
    }
}
