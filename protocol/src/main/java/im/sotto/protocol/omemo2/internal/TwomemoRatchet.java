package im.sotto.protocol.omemo2.internal;

import im.sotto.protocol.crypto.HashAlgorithm;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoFailure;
import im.sotto.protocol.omemo.OmemoLimits;
import im.sotto.protocol.omemo.internal.AesCbc;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * The Double Ratchet of OMEMO 2 applied to a {@link TwomemoState}: AES-256-CBC under the expanded message key, and
 * an HMAC-SHA-256 over the associated data followed by the serialized OMEMOMessage, truncated to 16 bytes. Each
 * call mutates the state it is given; callers pass a decoded copy and store it only on success.
 */
public final class TwomemoRatchet {
    private TwomemoRatchet() {}

    /** A key element ready to send: an OMEMOKeyExchange ({@code kex}) until the peer answered, else an
     * OMEMOAuthenticatedMessage. */
    public record Sealed(byte[] serialized, boolean keyExchange) {}

    public static Sealed encrypt(TwomemoState s, byte[] plaintext) {
        if (s.sendingIndex == Integer.MAX_VALUE) {
            throw new IllegalStateException("sending chain exhausted; the session must be rebuilt");
        }
        byte[] messageKey = TwomemoKdf.messageKey(s.sendingChainKey);
        byte[] expanded = TwomemoKdf.expandMessageKey(messageKey);
        try {
            byte[] ciphertext = AesCbc.encrypt(TwomemoKdf.encryptionKey(expanded), TwomemoKdf.iv(expanded),
                    plaintext);
            byte[] message = new TwomemoMessage.Header(s.sendingIndex, s.previousSendingLength, s.sendingPublic,
                    ciphertext).serialize();
            byte[] mac = Arrays.copyOf(HashAlgorithm.SHA256.hmac(
                    SecretBytes.copyOf(TwomemoKdf.authenticationKey(expanded)), s.associatedData, message),
                    TwomemoMessage.MAC_LENGTH);
            TwomemoMessage.Authenticated authenticated = new TwomemoMessage.Authenticated(mac, message);
            byte[] next = TwomemoKdf.nextChainKey(s.sendingChainKey);
            Arrays.fill(s.sendingChainKey, (byte) 0);
            s.sendingChainKey = next;
            s.sendingIndex++;
            if (s.pending == null) {
                return new Sealed(authenticated.serialize(), false);
            }
            return new Sealed(new TwomemoMessage.KeyExchange(s.pending.preKeyId(), s.pending.signedPreKeyId(),
                    s.localIdentity, s.pending.baseKey(), authenticated).serialize(), true);
        } finally {
            Arrays.fill(messageKey, (byte) 0);
            Arrays.fill(expanded, (byte) 0);
        }
    }

    public static byte[] decrypt(TwomemoState s, TwomemoMessage.Authenticated message, SecureRandom random)
            throws OmemoException {
        TwomemoMessage.Header header = message.header();
        byte[] messageKey = s.skippedKeys.remove(TwomemoState.Skipped.of(header.ratchetKey(), header.n()));
        if (messageKey == null) {
            if (s.remoteRatchetKey == null || !Arrays.equals(s.remoteRatchetKey, header.ratchetKey())) {
                for (byte[] earlier : s.earlierRemoteRatchetKeys) {
                    if (Arrays.equals(earlier, header.ratchetKey())) {
                        throw new OmemoException(OmemoFailure.DUPLICATE, "message of an earlier chain already read");
                    }
                }
                skipTo(s, header.pn());
                ratchetStep(s, header.ratchetKey(), random);
            }
            if (header.n() < s.receivingIndex) {
                throw new OmemoException(OmemoFailure.DUPLICATE, "message key " + header.n() + " already used");
            }
            skipTo(s, header.n());
            messageKey = TwomemoKdf.messageKey(s.receivingChainKey);
            advanceReceiving(s);
        }
        byte[] expanded = TwomemoKdf.expandMessageKey(messageKey);
        try {
            if (!HashAlgorithm.SHA256.verifyHmac(SecretBytes.copyOf(TwomemoKdf.authenticationKey(expanded)),
                    message.mac(), s.associatedData, message.message())) {
                throw new OmemoException(OmemoFailure.BAD_MAC, "OMEMO 2 message MAC does not verify");
            }
            byte[] plaintext = AesCbc.decrypt(TwomemoKdf.encryptionKey(expanded), TwomemoKdf.iv(expanded),
                    header.ciphertext());
            // The peer answered, so it has the session: stop sending key exchanges.
            s.pending = null;
            dropExcessSkippedKeys(s);
            return plaintext;
        } finally {
            Arrays.fill(messageKey, (byte) 0);
            Arrays.fill(expanded, (byte) 0);
        }
    }

    /** A fresh sending ratchet key and chain from the current remote ratchet key (RatchetInitAlice, DHRatchet). */
    static void newSendingChain(TwomemoState s, SecureRandom random) throws OmemoException {
        X25519KeyPair next = X25519KeyPair.generate(random);
        byte[] dh = TwomemoX3dh.agree(next, s.remoteRatchetKey);
        TwomemoKdf.RootStep step = TwomemoKdf.rootStep(s.rootKey, dh);
        Arrays.fill(dh, (byte) 0);
        s.rootKey = step.rootKey();
        s.sendingPrivate = next.privateKey().reveal();
        s.sendingPublic = next.publicKey();
        s.sendingChainKey = step.chainKey();
        s.sendingIndex = 0;
    }

    /** A new peer ratchet key: its receiving chain from our current key, then a fresh sending chain of ours. */
    private static void ratchetStep(TwomemoState s, byte[] peerRatchetKey, SecureRandom random)
            throws OmemoException {
        X25519KeyPair current = X25519KeyPair.restore(SecretBytes.copyOf(s.sendingPrivate), s.sendingPublic);
        byte[] dh = TwomemoX3dh.agree(current, peerRatchetKey);
        TwomemoKdf.RootStep receiving = TwomemoKdf.rootStep(s.rootKey, dh);
        Arrays.fill(dh, (byte) 0);
        s.previousSendingLength = s.sendingChainKey == null ? 0 : s.sendingIndex;
        if (s.remoteRatchetKey != null) {
            s.earlierRemoteRatchetKeys.add(0, s.remoteRatchetKey);
            while (s.earlierRemoteRatchetKeys.size() > OmemoLimits.MAX_RECEIVING_CHAINS) {
                s.earlierRemoteRatchetKeys.remove(s.earlierRemoteRatchetKeys.size() - 1);
            }
        }
        s.remoteRatchetKey = peerRatchetKey.clone();
        s.rootKey = receiving.rootKey();
        s.receivingChainKey = receiving.chainKey();
        s.receivingIndex = 0;
        newSendingChain(s, random);
    }

    /** Holds the keys of the current receiving chain's messages below {@code until}; refuses too long a gap. */
    private static void skipTo(TwomemoState s, int until) throws OmemoException {
        if (s.receivingChainKey == null) {
            return;
        }
        if ((long) until - s.receivingIndex > OmemoLimits.MAX_SKIP) {
            throw new OmemoException(OmemoFailure.TOO_FAR_AHEAD, (until - s.receivingIndex) + " messages ahead");
        }
        while (s.receivingIndex < until) {
            s.skippedKeys.put(TwomemoState.Skipped.of(s.remoteRatchetKey, s.receivingIndex),
                    TwomemoKdf.messageKey(s.receivingChainKey));
            advanceReceiving(s);
        }
    }

    private static void advanceReceiving(TwomemoState s) {
        byte[] next = TwomemoKdf.nextChainKey(s.receivingChainKey);
        Arrays.fill(s.receivingChainKey, (byte) 0);
        s.receivingChainKey = next;
        s.receivingIndex++;
    }

    /** Beyond the bound the oldest held keys go first, so a long-lost message fails rather than the session. */
    private static void dropExcessSkippedKeys(TwomemoState s) {
        Iterator<Map.Entry<TwomemoState.Skipped, byte[]>> it = s.skippedKeys.entrySet().iterator();
        while (s.skippedKeys.size() > OmemoLimits.MAX_SKIPPED_KEYS && it.hasNext()) {
            Arrays.fill(it.next().getValue(), (byte) 0);
            it.remove();
        }
    }
}
