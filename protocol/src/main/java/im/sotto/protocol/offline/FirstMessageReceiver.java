package im.sotto.protocol.offline;

import im.sotto.protocol.crypto.AeadAlgorithm;
import im.sotto.protocol.crypto.AuthenticationFailedException;
import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.InvalidCiphertextException;
import im.sotto.protocol.crypto.InvalidPublicKeyException;
import im.sotto.protocol.crypto.MlKem768;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.identity.CertificateException;
import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.noise.SymmetricState;
import im.sotto.protocol.offline.IncomingFirstMessage.Accepted;
import im.sotto.protocol.offline.IncomingFirstMessage.Reason;
import im.sotto.protocol.offline.IncomingFirstMessage.Rejected;
import im.sotto.protocol.ratchet.DecryptResult;
import im.sotto.protocol.ratchet.RatchetInit;
import im.sotto.protocol.ratchet.RatchetSession;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.MalformedInputException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

/**
 * Accepts first messages sent to this device's bundle. Works on a copy of the prekey vault; a rejected message
 * changes nothing, and nothing it contains can make this class throw.
 */
public final class FirstMessageReceiver {
    private final DeviceIdentity local;
    private final SecureRandom random;
    private final Clock clock;

    public FirstMessageReceiver(DeviceIdentity local, SecureRandom random, Clock clock) {
        this.local = local;
        this.random = random;
        this.clock = clock;
    }

    public IncomingFirstMessage receive(PreKeyVault vault, byte[] message, byte[] associatedData) {
        try {
            return accept(vault.copy(), message, associatedData);
        } catch (MalformedInputException e) {
            return new Rejected(Reason.MALFORMED, e.getMessage());
        }
    }

    private IncomingFirstMessage accept(PreKeyVault work, byte[] message, byte[] associatedData)
            throws MalformedInputException {
        ByteReader r = new ByteReader(message);
        int version = r.u8();
        if (version != FirstMessageFormat.VERSION) {
            return new Rejected(Reason.UNSUPPORTED_VERSION, "first message version " + version);
        }
        if (r.u8() != FirstMessageFormat.TYPE_FIRST_MESSAGE) {
            return new Rejected(Reason.MALFORMED, "not a first message");
        }
        int suiteId = r.u8();
        Optional<CipherSuite> suite = CipherSuite.fromWireId(suiteId).filter(work.suites::contains);
        if (suite.isEmpty()) {
            return new Rejected(Reason.UNSUPPORTED_SUITE, "suite " + suiteId);
        }
        byte[] ephemeral = r.bytes(X25519.KEY_LENGTH);
        byte[] kemCiphertext = suite.get().isHybrid() ? r.bytes(MlKem768.CIPHERTEXT_LENGTH) : new byte[0];
        byte[] header = r.bytes(FirstMessageFormat.ENCRYPTED_PREKEY_HEADER_LENGTH);
        byte[] certificate = r.vector16(FirstMessageFormat.MAX_CERTIFICATE_CIPHERTEXT, "certificate");
        byte[] ratchetMessage = r.rest();
        if (ratchetMessage.length == 0 || certificate.length < AeadAlgorithm.TAG_LENGTH) {
            return new Rejected(Reason.MALFORMED, "first message truncated");
        }
        byte[] replayKey = FirstMessageFormat.replayKey(suite.get(), ephemeral);
        if (work.seen(replayKey)) {
            return new Rejected(Reason.REPLAYED, "this first message was accepted before");
        }
        try {
            return open(work, suite.get(), ephemeral, kemCiphertext, header, certificate, ratchetMessage, replayKey,
                    associatedData);
        } catch (InvalidPublicKeyException e) {
            return new Rejected(Reason.MALFORMED, e.getMessage());
        }
    }

    private static void mixKem(SymmetricState s, SignedPreKey spk, byte[] kemCiphertext) {
        try {
            // The stored expanded key: no key generation per message (the FIPS 203 hash check still runs).
            SecretBytes shared = MlKem768.decapsulate(spk.pqSecret, kemCiphertext);
            s.mixHash(kemCiphertext);
            s.mixKey(shared);
            shared.wipe();
        } catch (InvalidCiphertextException e) {
            throw new IllegalStateException("ciphertext length was checked when parsing", e);
        }
    }

    private IncomingFirstMessage open(PreKeyVault work, CipherSuite suite, byte[] ephemeral, byte[] kemCiphertext,
            byte[] header,
            byte[] certificate, byte[] ratchetMessage, byte[] replayKey, byte[] associatedData)
            throws InvalidPublicKeyException, MalformedInputException {
        // Which signed prekey? Its id is not sent (it would link first messages); try the live ones, newest first.
        SymmetricState s = null;
        SignedPreKey spk = null;
        byte[] prekeyHeader = null;
        for (SignedPreKey candidate : work.liveSignedPreKeys()) {
            if (suite.isHybrid() && !candidate.hasPq()) {
                continue;
            }
            SymmetricState attempt = FirstMessageFormat.start(suite, ephemeral);
            attempt.mixKey(candidate.keyPair.agree(ephemeral));
            if (suite.isHybrid()) {
                mixKem(attempt, candidate, kemCiphertext);
            }
            try {
                prekeyHeader = attempt.decryptAndHash(header);
                s = attempt;
                spk = candidate;
                break;
            } catch (AuthenticationFailedException wrongKey) {
                attempt.wipe();
            }
        }
        if (s == null) {
            return new Rejected(Reason.UNKNOWN_SIGNED_PREKEY, "no live signed prekey opens it");
        }
        ByteReader h = new ByteReader(prekeyHeader);
        long oneTimeId = h.u32();
        int flags = h.u8();
        h.expectEnd();
        if ((flags & ~FirstMessageFormat.FLAG_RECIPIENT_DEVICE_KEY) != 0) {
            return new Rejected(Reason.MALFORMED, "unknown flags " + flags);
        }
        if (oneTimeId != 0) {
            Optional<X25519KeyPair> oneTime = work.takeOneTime(oneTimeId);
            if (oneTime.isEmpty()) {
                return new Rejected(Reason.ONE_TIME_PREKEY_GONE, "one-time prekey " + oneTimeId + " is gone");
            }
            s.mixKey(oneTime.get().agree(ephemeral));
        }
        if ((flags & FirstMessageFormat.FLAG_RECIPIENT_DEVICE_KEY) != 0) {
            s.mixKey(local.deviceKey().agree(ephemeral));
        }
        DeviceCertificate sender;
        try {
            sender = DeviceCertificate.parse(s.decryptAndHash(certificate));
            sender.checkValidAt(clock.instant());
        } catch (AuthenticationFailedException e) {
            return new Rejected(Reason.TAMPERED, "sender certificate failed authentication");
        } catch (CertificateException e) {
            return new Rejected(Reason.CERTIFICATE_INVALID, e.kind() + ": " + e.getMessage());
        }
        s.mixKey(spk.keyPair.agree(sender.deviceKey()));
        byte[] transcript = s.handshakeHash();
        SecretBytes[] seed = FirstMessageFormat.seed(s);
        RatchetSession session = RatchetSession.start(
                RatchetInit.forResponder(suite, seed[0], spk.keyPair, seed[2], seed[1]), random, clock);
        for (SecretBytes k : seed) {
            k.wipe();
        }
        DecryptResult first = session.decrypt(ratchetMessage,
                FirstMessageFormat.ratchetAssociatedData(transcript, associatedData));
        if (!(first instanceof DecryptResult.Decrypted)) {
            return new Rejected(Reason.TAMPERED, "embedded message: " + first);
        }
        if (oneTimeId == 0) {
            // Only the signed prekey protects this message against replay: remember it while that key lives.
            work.remember(replayKey, work.deletionTime(spk));
        }
        return new Accepted(session, sender, ((DecryptResult.Decrypted) first).plaintext(), transcript, work);
    }
}
