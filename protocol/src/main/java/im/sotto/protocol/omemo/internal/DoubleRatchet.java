package im.sotto.protocol.omemo.internal;

import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoFailure;
import im.sotto.protocol.omemo.OmemoLimits;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The Double Ratchet of Signal protocol version 3, without header encryption, applied to a {@link SessionState}. Each
 * call mutates the state it is given; callers pass a freshly decoded copy and store it only on success, so a
 * refused message changes nothing.
 */
public final class DoubleRatchet {
    private DoubleRatchet() {}

    /** A Signal message ready to send, and whether it is a prekey message (the peer has not answered yet). */
    public record Sealed(byte[] serialized, boolean preKeyMessage) {}

    public static Sealed encrypt(SessionState s, byte[] plaintext) {
        if (s.senderIndex == Integer.MAX_VALUE) {
            throw new IllegalStateException("sending chain exhausted; the session must be rebuilt");
        }
        byte[] keys = SignalKdf.messageKeys(s.senderChainKey);
        try {
            byte[] ciphertext = AesCbc.encrypt(cipherKey(keys), iv(keys), plaintext);
            SignalMessage message = SignalMessage.create(macKey(keys), s.localIdentity, s.remoteIdentity,
                    s.senderRatchetPublic, s.senderIndex, s.previousCounter, ciphertext);
            s.senderChainKey = SignalKdf.nextChainKey(s.senderChainKey);
            s.senderIndex++;
            if (s.pendingPreKey == null) {
                return new Sealed(message.serialized(), false);
            }
            PreKeySignalMessage preKey = PreKeySignalMessage.create(s.localRegistrationId,
                    s.pendingPreKey.preKeyId(), s.pendingPreKey.signedPreKeyId(), s.pendingPreKey.baseKey(),
                    s.localIdentity, message);
            return new Sealed(preKey.serialized(), true);
        } finally {
            Arrays.fill(keys, (byte) 0);
        }
    }

    public static byte[] decrypt(SessionState s, SignalMessage message, SecureRandom random) throws OmemoException {
        byte[] peerRatchetKey = message.ratchetKey();
        ReceivingChain chain = s.receivingChain(peerRatchetKey);
        if (chain == null) {
            chain = ratchetStep(s, peerRatchetKey, random);
        }
        byte[] keys = messageKeys(s, chain, message.counter());
        try {
            if (!message.verifyMac(macKey(keys), s.remoteIdentity, s.localIdentity)) {
                throw new OmemoException(OmemoFailure.BAD_MAC, "Signal message MAC does not verify");
            }
            byte[] plaintext = AesCbc.decrypt(cipherKey(keys), iv(keys), message.ciphertext());
            // The peer answered, so it has the session: stop repeating the prekey message.
            s.pendingPreKey = null;
            return plaintext;
        } finally {
            Arrays.fill(keys, (byte) 0);
        }
    }

    /** A new peer ratchet key: derive its receiving chain, then a fresh sending chain of ours. */
    private static ReceivingChain ratchetStep(SessionState s, byte[] peerRatchetKey, SecureRandom random)
            throws OmemoException {
        X25519KeyPair current = X25519KeyPair.restore(im.sotto.protocol.crypto.SecretBytes.copyOf(
                s.senderRatchetPrivate), s.senderRatchetPublic);
        byte[] dhReceive = X3dh.agree(current, peerRatchetKey);
        SignalKdf.KeyPair receiving = SignalKdf.rootStep(s.rootKey, dhReceive);
        X25519KeyPair next = X25519KeyPair.generate(random);
        byte[] dhSend = X3dh.agree(next, peerRatchetKey);
        SignalKdf.KeyPair sending = SignalKdf.rootStep(receiving.rootKey(), dhSend);
        Arrays.fill(dhReceive, (byte) 0);
        Arrays.fill(dhSend, (byte) 0);

        ReceivingChain chain = new ReceivingChain(peerRatchetKey, receiving.chainKey(), 0);
        s.receivingChains.add(0, chain);
        while (s.receivingChains.size() > OmemoLimits.MAX_RECEIVING_CHAINS) {
            ReceivingChain dropped = s.receivingChains.remove(s.receivingChains.size() - 1);
            while (dropped.dropOldestSkipped()) {
                // wipes each held key
            }
        }
        s.rootKey = sending.rootKey();
        // As Signal's libraries do: the counter of the last message sent on the chain being replaced.
        s.previousCounter = Math.max(s.senderIndex - 1, 0);
        X3dh.setSender(s, next, sending.chainKey());
        return chain;
    }

    private static byte[] messageKeys(SessionState s, ReceivingChain chain, int counter) throws OmemoException {
        if (counter < chain.index) {
            byte[] held = chain.skippedKeys.remove(counter);
            if (held == null) {
                throw new OmemoException(OmemoFailure.DUPLICATE, "message key " + counter + " already used");
            }
            return held;
        }
        if (counter - chain.index > OmemoLimits.MAX_SKIP) {
            throw new OmemoException(OmemoFailure.TOO_FAR_AHEAD, (counter - chain.index) + " messages ahead");
        }
        while (chain.index < counter) {
            chain.skippedKeys.put(chain.index, SignalKdf.messageKeys(chain.chainKey));
            advance(chain);
        }
        byte[] keys = SignalKdf.messageKeys(chain.chainKey);
        advance(chain);
        dropExcessSkippedKeys(s);
        return keys;
    }

    private static void advance(ReceivingChain chain) {
        byte[] next = SignalKdf.nextChainKey(chain.chainKey);
        Arrays.fill(chain.chainKey, (byte) 0);
        chain.chainKey = next;
        chain.index++;
    }

    /** Beyond the bound, the oldest chains' oldest keys go first. */
    private static void dropExcessSkippedKeys(SessionState s) {
        int excess = s.skippedKeyCount() - OmemoLimits.MAX_SKIPPED_KEYS;
        for (int c = s.receivingChains.size() - 1; c >= 0 && excess > 0; c--) {
            ReceivingChain chain = s.receivingChains.get(c);
            while (excess > 0 && chain.dropOldestSkipped()) {
                excess--;
            }
        }
    }

    private static byte[] cipherKey(byte[] keys) {
        return Arrays.copyOfRange(keys, 0, SignalKdf.KEY_LENGTH);
    }

    private static byte[] macKey(byte[] keys) {
        return Arrays.copyOfRange(keys, SignalKdf.KEY_LENGTH, 2 * SignalKdf.KEY_LENGTH);
    }

    private static byte[] iv(byte[] keys) {
        return Arrays.copyOfRange(keys, 2 * SignalKdf.KEY_LENGTH, SignalKdf.MESSAGE_KEYS_LENGTH);
    }
}
