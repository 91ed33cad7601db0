package im.sotto.protocol.ratchet;

import im.sotto.protocol.crypto.DeterministicNonceAead;
import im.sotto.protocol.crypto.SealedBox;
import im.sotto.protocol.crypto.InvalidPublicKeyException;
import im.sotto.protocol.crypto.X25519;
import im.sotto.protocol.crypto.X25519KeyPair;
import java.security.SecureRandom;
import java.time.Instant;

/** RatchetEncryptHE on a working copy of the state, with heartbeats and the acknowledgement. */
final class Encryptor {
    private Encryptor() {}

    static byte[] encrypt(RatchetState s, byte[] plaintext, byte[] associatedData, SecureRandom random, Instant now) {
        if (!s.canSend()) {
            throw new IllegalStateException("a responder cannot send before it has received the first message");
        }
        if (plaintext.length > RatchetLimits.MAX_PLAINTEXT_LENGTH) {
            throw new IllegalArgumentException("plaintext longer than " + RatchetLimits.MAX_PLAINTEXT_LENGTH);
        }
        if (s.sent == RatchetLimits.MAX_COUNTER || s.totalSent() >= RatchetLimits.MAX_COUNTER) {
            throw new IllegalStateException("session exhausted its message counters; start a new session");
        }
        s.housekeeping(now.toEpochMilli());
        int n = s.sent;
        int subChain = Header.heartbeatIndex(n);
        if (subChain > 0 && s.heartbeatIndex != subChain) {
            startHeartbeat(s, subChain, random);
        }
        MessageKey mk = s.sendingChain.messageKey(s.suite);
        s.sendingChain = s.sendingChain.next(s.suite);

        Header header = new Header(s.ownRatchetKey.publicKey(), s.previousChainLength, n,
                (int) s.receivedHighWater(), subChain > 0 ? s.heartbeatPublic : null);
        byte type = WireMessage.typeFor(header.hasHeartbeat());
        SealedBox sealedHeader = s.sendingHeaderKey.seal(s.suite, random, WireMessage.headerAssociatedData(type),
                header.encode());
        byte[] headerNonce = sealedHeader.nonce();
        byte[] prefix = WireMessage.prefix(type, headerNonce, sealedHeader.ciphertext());

        MessageKey.PayloadKeys keys = mk.payloadKeys(s.suite, headerNonce, subChain > 0 ? s.heartbeatSecret : null);
        try {
            // The payload's key and nonce come from a message key that seals exactly this one message.
            byte[] payload = new DeterministicNonceAead(s.suite.aead(), keys.key()).sealWithProtocolNonce(keys.nonce(),
                    WireMessage.concat(prefix, associatedData), plaintext);
            if (plaintext.length > 0) {
                // Only content can be lost to a user: an empty message (heartbeat, confirmation) is never reported.
                s.sendLog.sent(s.totalSent(), now);
            }
            s.sent++;
            s.receivedSinceSend = 0;
            return WireMessage.concat(prefix, payload);
        } finally {
            keys.wipe();
            mk.secret().wipe();
        }
    }

    /**
     * A forced DH step within the sending chain: a fresh key pair whose DH output with the peer's ratchet key salts
     * every message key of the next {@link RatchetLimits#HEARTBEAT_INTERVAL} messages. Only the DH output is kept; the
     * fresh private key is dropped at once.
     */
    private static void startHeartbeat(RatchetState s, int subChain, SecureRandom random) {
        X25519KeyPair fresh = X25519.generateKeyPair(random);
        try {
            s.heartbeatSecret = fresh.agree(s.peerRatchetKey);
        } catch (InvalidPublicKeyException e) {
            // The peer's key was validated by the DH step that started this chain.
            throw new IllegalStateException("peer ratchet key became invalid", e);
        } finally {
            fresh.privateKey().wipe();
        }
        s.heartbeatIndex = subChain;
        s.heartbeatPublic = fresh.publicKey();
    }
}
