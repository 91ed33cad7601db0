package im.sotto.protocol.offline;

import im.sotto.protocol.crypto.ConstantTime;
import im.sotto.protocol.crypto.InvalidPublicKeyException;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.identity.CertificateException;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.ratchet.DecryptResult;
import im.sotto.protocol.ratchet.RatchetRecordException;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.ByteWriter;
import im.sotto.protocol.wire.MalformedInputException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;

/**
 * The recipient's first reply in an offline-started session, which proves its identity to a sender that could not
 * authenticate it: the recipient's certificate and a MAC keyed by DH(recipient device key, sender device key) over
 * the first message's transcript, inside the ratchet message (type 0x21, docs/protocol.md 6.4).
 *
 * <p>Format 2, the one written, binds its two prefix bytes and the transcript hash into the ratchet message's
 * associated data, so the prefix cannot be removed (turning the reply into an ordinary ratchet message whose
 * plaintext is the certificate and MAC), added to an ordinary message, or moved to another session's first reply.
 * Format 1 bound only the caller's data; it is still opened, for replies older clients left in offline storage.
 */
public final class FirstReply {
    /** The reply format written: prefix and transcript hash bound into the associated data. */
    static final int FORMAT = 2;
    /** The first format, still opened: only the caller's associated data is bound. */
    static final int FORMAT_PREFIX_NOT_BOUND = 1;
    private static final int MAC_LENGTH = 32;
    private static final int MAX_CERTIFICATE = 1024;

    private FirstReply() {}

    /**
     * The ratchet message's associated data: in format 2, {@code u8 2 || u8 0x21 || T || caller's data} (T has the
     * suite's fixed hash length, so the concatenation is unambiguous); in format 1 the caller's data alone.
     */
    static byte[] associatedData(int format, byte[] transcriptHash, byte[] associatedData) {
        if (format == FORMAT_PREFIX_NOT_BOUND) {
            return associatedData.clone();
        }
        return new ByteWriter().u8(format).u8(FirstMessageFormat.TYPE_FIRST_REPLY).bytes(transcriptHash)
                .bytes(associatedData).toByteArray();
    }

    /** The recipient wraps its first message to the sender of an accepted first message. */
    /**
     * True when a ratchet-carried message is a first reply (its second byte is the first reply's type, 0x21): the
     * receiver then opens it as one. Decides nothing about its validity.
     */
    public static boolean isFirstReply(byte[] message) {
        return message.length > 1 && (message[1] & 0xff) == FirstMessageFormat.TYPE_FIRST_REPLY;
    }

    public static byte[] seal(RatchetSession session, DeviceIdentity local, DeviceCertificate sender,
            byte[] transcriptHash, byte[] plaintext, byte[] associatedData) throws InvalidPublicKeyException {
        SecretBytes dh = local.deviceKey().agree(sender.deviceKey());
        byte[] mac;
        try {
            mac = FirstMessageFormat.confirmationMac(session.suite(), dh, transcriptHash);
        } finally {
            dh.wipe();
        }
        byte[] inner = new ByteWriter().vector16(local.certificate().encoded()).bytes(mac).bytes(plaintext)
                .toByteArray();
        byte[] message = session.encrypt(inner, associatedData(FORMAT, transcriptHash, associatedData));
        return new ByteWriter().u8(FORMAT).u8(FirstMessageFormat.TYPE_FIRST_REPLY).bytes(message).toByteArray();
    }

    /** Why a reply did not confirm the recipient. */
    public enum Failure {
        MALFORMED, NOT_DECRYPTED, CERTIFICATE_INVALID, PROOF_INVALID, PREKEY_NOT_SIGNED_BY_THIS_ACCOUNT
    }

    /** The outcome of {@link #open}: either confirmed (with the advanced session), or a failure and no change. */
    public static final class Opened {
        private final RatchetSession session;
        private final DeviceCertificate recipient;
        private final byte[] plaintext;
        private final Failure failure;
        private final DecryptResult decryptResult;

        private Opened(RatchetSession session, DeviceCertificate recipient, byte[] plaintext, Failure failure,
                DecryptResult decryptResult) {
            this.session = session;
            this.recipient = recipient;
            this.plaintext = plaintext;
            this.failure = failure;
            this.decryptResult = decryptResult;
        }

        public boolean confirmed() {
            return failure == null;
        }

        /** The advanced session to store in place of the old one; only when confirmed. */
        public RatchetSession session() {
            check();
            return session;
        }

        /** The recipient's proven certificate; only when confirmed. */
        public DeviceCertificate recipient() {
            check();
            return recipient;
        }

        public byte[] plaintext() {
            check();
            return plaintext.clone();
        }

        public Failure failure() {
            return failure;
        }

        /** The ratchet's verdict, when the failure is {@link Failure#NOT_DECRYPTED}. */
        public DecryptResult decryptResult() {
            return decryptResult;
        }

        private void check() {
            if (failure != null) {
                throw new IllegalStateException("reply not confirmed: " + failure);
            }
        }
    }

    /** The sender checks the reply; the session passed in is never changed (work happens on a copy). */
    public static Opened open(RatchetSession session, DeviceIdentity local, PendingConfirmation pending, byte[] reply,
            byte[] associatedData, SecureRandom random, Clock clock) {
        if (reply.length < 3 || (reply[0] != FORMAT && reply[0] != FORMAT_PREFIX_NOT_BOUND)
                || reply[1] != FirstMessageFormat.TYPE_FIRST_REPLY) {
            return failed(Failure.MALFORMED, null);
        }
        RatchetSession work;
        try {
            work = RatchetSession.fromRecord(session.toRecord(), random, clock);
        } catch (RatchetRecordException e) {
            throw new IllegalStateException("a session's own record did not load", e);
        }
        DecryptResult result = work.decrypt(Arrays.copyOfRange(reply, 2, reply.length),
                associatedData(reply[0], pending.transcriptHash(), associatedData));
        if (!(result instanceof DecryptResult.Decrypted)) {
            return failed(Failure.NOT_DECRYPTED, result);
        }
        try {
            ByteReader r = new ByteReader(((DecryptResult.Decrypted) result).plaintext());
            DeviceCertificate recipient = DeviceCertificate.parse(r.vector16(MAX_CERTIFICATE, "certificate"));
            recipient.checkValidAt(clock.instant());
            byte[] mac = r.bytes(MAC_LENGTH);
            SecretBytes dh = local.deviceKey().agree(recipient.deviceKey());
            byte[] expected;
            try {
                expected = FirstMessageFormat.confirmationMac(pending.suite(), dh, pending.transcriptHash());
            } finally {
                dh.wipe();
            }
            if (!ConstantTime.equals(expected, mac)) {
                return failed(Failure.PROOF_INVALID, result);
            }
            if (!pending.signedBy(recipient.accountKey())) {
                return failed(Failure.PREKEY_NOT_SIGNED_BY_THIS_ACCOUNT, result);
            }
            return new Opened(work, recipient, r.rest(), null, result);
        } catch (MalformedInputException e) {
            return failed(Failure.MALFORMED, result);
        } catch (CertificateException | InvalidPublicKeyException e) {
            return failed(Failure.CERTIFICATE_INVALID, result);
        }
    }

    private static Opened failed(Failure failure, DecryptResult result) {
        return new Opened(null, null, null, failure, result);
    }
}
