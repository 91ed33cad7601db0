package im.sotto.protocol.handshake;

import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;
import java.util.Arrays;
import java.util.Objects;

/**
 * An optional external certification of the sender's account key that travels in the encrypted handshake payload
 * (extension 0x03, docs/protocol.md 4.13): an X.509 chain or an OpenPGP binding, as the user attached it. The
 * handshake only carries it; the receiver verifies it against its own anchors or keyring
 * ({@code X509AccountBinding}, {@code OpenPgpAccountBinding}), and a failed check never fails the session.
 *
 * <p>Encoded as {@code u8 kind || body}: kind 1 X.509 (body: DER certificates concatenated, end entity first), kind 2
 * OpenPGP (body: {@code vec16 statement || signature packet}).
 */
public final class AttachedCertification {
    /**
     * The encoded extension value at most: the whole extensions field of a handshake payload is bounded by 4096
     * bytes and must keep room for the retained-secret proofs (up to 128 bytes with their framing). 3072 bytes hold
     * an Ed25519 end-entity certificate with two Ed25519 or ECDSA intermediates, or one with an RSA-2048 issuer; a
     * root the receiver has as its anchor need not be sent. Larger chains are refused when attached.
     */
    public static final int MAX_LENGTH = 3072;

    public enum Kind {
        X509(1),
        OPENPGP(2);

        final int code;

        Kind(int code) {
            this.code = code;
        }
    }

    private final Kind kind;
    private final byte[] body;

    private AttachedCertification(Kind kind, byte[] body) {
        this.kind = kind;
        this.body = body;
        if (body.length == 0 || 1 + body.length > MAX_LENGTH) {
            throw new IllegalArgumentException("a certification of " + body.length + " bytes; at most "
                    + (MAX_LENGTH - 1) + " travel in a handshake");
        }
    }

    /** An X.509 chain in its attachment form (concatenated DER, end entity first). */
    public static AttachedCertification x509(byte[] derChain) {
        return new AttachedCertification(Kind.X509, Objects.requireNonNull(derChain).clone());
    }

    /** An OpenPGP binding: the account binding statement and one detached signature packet over it. */
    public static AttachedCertification openPgp(byte[] statement, byte[] signature) {
        if (statement.length == 0 || statement.length > 0xffff || signature.length == 0) {
            throw new IllegalArgumentException("an OpenPGP binding needs a statement and a signature");
        }
        return new AttachedCertification(Kind.OPENPGP, new ByteWriter().vector16(statement).bytes(signature)
                .toByteArray());
    }

    /** Parses an extension value strictly: a known kind, a non-empty body, the bound, and for OpenPGP its framing. */
    public static AttachedCertification parse(byte[] encoded) throws MalformedInputException {
        if (encoded.length > MAX_LENGTH) {
            throw new MalformedInputException("certification of " + encoded.length + " bytes, over " + MAX_LENGTH);
        }
        ByteReader r = new ByteReader(encoded);
        int code = r.u8();
        byte[] body = r.rest();
        if (body.length == 0) {
            throw new MalformedInputException("empty certification");
        }
        if (code == Kind.X509.code) {
            return new AttachedCertification(Kind.X509, body);
        }
        if (code == Kind.OPENPGP.code) {
            ByteReader pgp = new ByteReader(body);
            byte[] statement = pgp.vector16(MAX_LENGTH, "statement");
            if (statement.length == 0 || pgp.rest().length == 0) {
                throw new MalformedInputException("an OpenPGP binding needs a statement and a signature");
            }
            return new AttachedCertification(Kind.OPENPGP, body);
        }
        throw new MalformedInputException("unknown certification kind " + code);
    }

    public byte[] encode() {
        return new ByteWriter().u8(kind.code).bytes(body).toByteArray();
    }

    public Kind kind() {
        return kind;
    }

    /** X.509: the DER chain. */
    public byte[] x509Chain() {
        requireKind(Kind.X509);
        return body.clone();
    }

    /** OpenPGP: the statement. */
    public byte[] openPgpStatement() {
        requireKind(Kind.OPENPGP);
        return Arrays.copyOfRange(body, 2, 2 + statementLength());
    }

    /** OpenPGP: the signature packet. */
    public byte[] openPgpSignature() {
        requireKind(Kind.OPENPGP);
        return Arrays.copyOfRange(body, 2 + statementLength(), body.length);
    }

    private int statementLength() {
        return ((body[0] & 0xff) << 8) | (body[1] & 0xff);
    }

    private void requireKind(Kind expected) {
        if (kind != expected) {
            throw new IllegalStateException("a " + kind + " certification, not " + expected);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AttachedCertification && ((AttachedCertification) o).kind == kind
                && Arrays.equals(((AttachedCertification) o).body, body);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "AttachedCertification[" + kind + ", " + body.length + " bytes]";
    }
}
