package im.sotto.protocol.pake;

import im.sotto.protocol.crypto.ConstantTime;
import im.sotto.protocol.crypto.HashAlgorithm;
import im.sotto.protocol.crypto.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * One party of CPace (draft-irtf-cfrg-cpace-21) with the suite CPACE-X25519-SHA512: group G_X25519, hash SHA-512.
 *
 * <p>Use: make the party with the shared password, the channel identifier CI, the session id sid and this side's
 * associated data; send {@link #message()}; pass the peer's message to {@link #finish(byte[])} once. Each party is
 * single-use: its scalar is wiped when it finishes or fails, and a second {@code finish} is an
 * {@link IllegalStateException}. Messages are {@code lv_cat(Y, AD)} (the draft's length-value encoding; see
 * docs/protocol.md), so both messages can be sent at once: the responder's message does not depend on the initiator's.
 *
 * <p>Initiator and responder use the draft's initiator-responder transcript (ISK_IR); {@link #symmetric} parties,
 * for when neither side is known to speak first, use the ordered-concatenation transcript (ISK_SY).
 */
public final class CPace {
    /**
     * Associated data is sent in clear and hashed into the key; applications put identities or versions in it. A
     * kibibyte is far above that and keeps a hostile peer from making us hash large inputs.
     */
    public static final int MAX_ASSOCIATED_DATA_LENGTH = 1024;
    /** X25519 shares, scalars and shared points: 32 bytes (G_X25519.field_size_bytes). */
    static final int FIELD_SIZE_BYTES = 32;

    private static final HashAlgorithm H = HashAlgorithm.SHA512;
    private static final byte[] DSI = ascii("CPace255");
    private static final byte[] DSI_ISK = ascii("CPace255_ISK");
    private static final byte[] SID_OUTPUT_PREFIX = ascii("CPaceSidOutput");

    enum Role { INITIATOR, RESPONDER, SYMMETRIC }

    private enum State { AWAITING_PEER, FINISHED, FAILED }

    private final Role role;
    private final byte[] sid;
    private final byte[] share;
    private final byte[] associatedData;
    private final byte[] scalar;
    private State state = State.AWAITING_PEER;

    private CPace(Role role, byte[] password, byte[] channelIdentifier, byte[] sid, byte[] associatedData,
            byte[] scalar) {
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(channelIdentifier, "channelIdentifier");
        Objects.requireNonNull(sid, "sid");
        Objects.requireNonNull(associatedData, "associatedData");
        if (password.length == 0) {
            throw new IllegalArgumentException("CPace needs a non-empty password");
        }
        if (associatedData.length > MAX_ASSOCIATED_DATA_LENGTH) {
            throw new IllegalArgumentException("associated data over " + MAX_ASSOCIATED_DATA_LENGTH + " bytes");
        }
        this.role = role;
        this.sid = sid.clone();
        this.associatedData = associatedData.clone();
        this.scalar = scalar;
        byte[] generator = calculateGenerator(password, channelIdentifier, sid);
        this.share = scalarMultVfy(scalar, generator);
        Arrays.fill(generator, (byte) 0);
    }

    /** The party that speaks first in the initiator-responder setting (the draft's A). */
    public static CPace initiator(byte[] password, byte[] channelIdentifier, byte[] sid, byte[] associatedData,
            SecureRandom random) {
        return new CPace(Role.INITIATOR, password, channelIdentifier, sid, associatedData, sampleScalar(random));
    }

    /** The party that answers in the initiator-responder setting (the draft's B). */
    public static CPace responder(byte[] password, byte[] channelIdentifier, byte[] sid, byte[] associatedData,
            SecureRandom random) {
        return new CPace(Role.RESPONDER, password, channelIdentifier, sid, associatedData, sampleScalar(random));
    }

    /**
     * A party in the symmetric setting, where either may speak first. The draft requires unique associated data
     * per session on each side in this setting (e.g. with random bytes in it); otherwise use initiator/responder.
     */
    public static CPace symmetric(byte[] password, byte[] channelIdentifier, byte[] sid, byte[] associatedData,
            SecureRandom random) {
        return new CPace(Role.SYMMETRIC, password, channelIdentifier, sid, associatedData, sampleScalar(random));
    }

    /** Known-answer tests only: a party with a chosen scalar. A reused scalar gives the password away. */
    static CPace insecureWithFixedScalar(Role role, byte[] password, byte[] channelIdentifier, byte[] sid,
            byte[] associatedData, byte[] scalar) {
        return new CPace(role, password, channelIdentifier, sid, associatedData, scalar.clone());
    }

    /** This side's message: lv_cat(Y, AD). */
    public byte[] message() {
        return CPaceEncoding.lvCat(share, associatedData);
    }

    /**
     * Completes the exchange with the peer's message. Aborts, as the draft requires, when the shared point is the
     * neutral element (the peer sent a low-order point); rejects messages that do not parse.
     */
    public synchronized CPaceResult finish(byte[] peerMessage) throws PakeException {
        if (state != State.AWAITING_PEER) {
            throw new IllegalStateException("CPace party already " + state);
        }
        state = State.FAILED; // until the end proves otherwise
        byte[] k = null;
        try {
            byte[][] parsed = CPaceEncoding.readMessage(Objects.requireNonNull(peerMessage, "peerMessage"),
                    FIELD_SIZE_BYTES, MAX_ASSOCIATED_DATA_LENGTH);
            byte[] peerShare = parsed[0];
            byte[] peerAd = parsed[1];
            k = scalarMultVfy(scalar, peerShare);
            if (ConstantTime.isAllZero(k)) {
                throw new PakeException(PakeException.Kind.INVALID_POINT,
                        "CPace: the peer's share is a low-order point");
            }
            byte[] transcript = transcript(peerShare, peerAd);
            SecretBytes isk = deriveIsk(sid, k, transcript);
            byte[] sidOutput = H.digest(SID_OUTPUT_PREFIX, transcript);
            state = State.FINISHED;
            return new CPaceResult(isk, peerAd, sidOutput);
        } finally {
            Arrays.fill(scalar, (byte) 0);
            if (k != null) {
                Arrays.fill(k, (byte) 0);
            }
        }
    }

    private byte[] transcript(byte[] peerShare, byte[] peerAd) {
        switch (role) {
            case INITIATOR:
                return CPaceEncoding.transcriptIr(share, associatedData, peerShare, peerAd);
            case RESPONDER:
                return CPaceEncoding.transcriptIr(peerShare, peerAd, share, associatedData);
            default:
                return CPaceEncoding.transcriptOc(share, associatedData, peerShare, peerAd);
        }
    }

    /** ISK = H.hash(lv_cat(G.DSI || b"_ISK", sid, K) || transcript). */
    static SecretBytes deriveIsk(byte[] sid, byte[] k, byte[] transcript) {
        byte[] prefix = CPaceEncoding.lvCat(DSI_ISK, sid, k);
        byte[] isk = H.digest(prefix, transcript);
        try {
            return SecretBytes.copyOf(isk);
        } finally {
            Arrays.fill(prefix, (byte) 0);
            Arrays.fill(isk, (byte) 0);
        }
    }

    /**
     * G_X25519.calculate_generator: SHA-512 of generator_string(DSI, PRS, CI, sid, 128), its first 32 bytes decoded
     * as a field element with bit 255 cleared (RFC 7748 decodeUCoordinate), mapped by Elligator 2.
     */
    static byte[] calculateGenerator(byte[] password, byte[] channelIdentifier, byte[] sid) {
        byte[] generatorString = CPaceEncoding.generatorString(DSI, password, channelIdentifier, sid,
                H.blockLength());
        byte[] hash = H.digest(generatorString);
        byte[] u = Arrays.copyOf(hash, FIELD_SIZE_BYTES);
        u[FIELD_SIZE_BYTES - 1] &= 0x7f;
        try {
            return Elligator2Curve25519.mapToCurve(u);
        } finally {
            Arrays.fill(generatorString, (byte) 0);
            Arrays.fill(hash, (byte) 0);
            Arrays.fill(u, (byte) 0);
        }
    }

    /** G_X25519.scalar_mult_vfy(y, g) = X25519(y, g); the all-zero result is the neutral element G.I. */
    static byte[] scalarMultVfy(byte[] scalar, byte[] point) {
        byte[] out = new byte[FIELD_SIZE_BYTES];
        org.bouncycastle.math.ec.rfc7748.X25519.scalarMult(scalar, 0, point, 0, out, 0);
        return out;
    }

    /** G_X25519.sample_scalar: 32 uniformly random bytes (X25519 clamps them). */
    private static byte[] sampleScalar(SecureRandom random) {
        byte[] y = new byte[FIELD_SIZE_BYTES];
        random.nextBytes(y);
        return y;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return "CPace[" + role + ", " + state + "]";
    }
}
