package im.sotto.protocol.handshake;

import im.sotto.protocol.crypto.X25519;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;

/** The handshake payloads (inside Noise messages), parsed strictly. Layouts in docs/protocol.md. */
final class Payloads {
    /** Certificates are about 190 bytes; anything near this bound is not a certificate. */
    static final int MAX_CERTIFICATE_LENGTH = 1024;
    /** Room for later additions (retained-secret proofs, PAKE messages) that old peers must be able to skip. */
    static final int MAX_EXTENSIONS_LENGTH = 4096;
    static final int NONCE_LENGTH = ShortAuthenticationString.NONCE_LENGTH;

    private Payloads() {}

    /** The certified party's part: certificate, optional SAS nonce, optional ratchet key, extensions, app data. */
    static final class Identified {
        final byte[] certificate;
        final byte[] nonce;
        final byte[] ratchetKey;
        final byte[] extensions;
        final byte[] applicationData;

        Identified(byte[] certificate, byte[] nonce, byte[] ratchetKey, byte[] extensions, byte[] applicationData) {
            this.certificate = certificate;
            this.nonce = nonce;
            this.ratchetKey = ratchetKey;
            this.extensions = extensions;
            this.applicationData = applicationData;
        }

        byte[] encode() {
            ByteWriter w = new ByteWriter().vector16(certificate);
            if (nonce != null) {
                w.bytes(nonce);
            }
            if (ratchetKey != null) {
                w.bytes(ratchetKey);
            }
            return w.vector16(extensions).bytes(applicationData).toByteArray();
        }

        static Identified decode(byte[] payload, boolean hasNonce, boolean hasRatchetKey, boolean allowsAppData)
                throws MalformedInputException {
            ByteReader r = new ByteReader(payload);
            byte[] cert = r.vector16(MAX_CERTIFICATE_LENGTH, "certificate");
            byte[] nonce = hasNonce ? r.bytes(NONCE_LENGTH) : null;
            byte[] ratchet = hasRatchetKey ? r.bytes(X25519.KEY_LENGTH) : null;
            byte[] ext = r.vector16(MAX_EXTENSIONS_LENGTH, "extensions");
            byte[] app = r.rest();
            if (!allowsAppData && app.length > 0) {
                throw new MalformedInputException("application data where the handshake allows none");
            }
            return new Identified(cert, nonce, ratchet, ext, app);
        }
    }

    static byte[] exactly(byte[] payload, int length, String what) throws MalformedInputException {
        ByteReader r = new ByteReader(payload);
        byte[] out = r.bytes(length);
        r.expectEnd();
        return out;
    }
}
