package im.sotto.protocol.handshake;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.ratchet.RatchetInit;
import java.util.Optional;

/**
 * What a completed handshake hands to the Double Ratchet (header-encryption variant): the root key, the two initial
 * header keys, and the responder's first ratchet key (its public half on the initiator's side, the pair on the
 * responder's). The initiator always sends the first ratchet message.
 */
public final class SessionSeed {
    private final CipherSuite suite;
    private final boolean initiator;
    private final SecretBytes rootKey;
    private final SecretBytes initiatorHeaderKey;
    private final SecretBytes responderHeaderKey;
    private final byte[] responderRatchetPublicKey;
    private final X25519KeyPair responderRatchetKeyPair;
    private final SecretBytes retainedSecret;

    SessionSeed(CipherSuite suite, boolean initiator, SecretBytes rootKey, SecretBytes initiatorHeaderKey,
            SecretBytes responderHeaderKey, byte[] responderRatchetPublicKey, X25519KeyPair responderRatchetKeyPair,
            SecretBytes retainedSecret) {
        this.suite = suite;
        this.initiator = initiator;
        this.rootKey = rootKey;
        this.initiatorHeaderKey = initiatorHeaderKey;
        this.responderHeaderKey = responderHeaderKey;
        this.responderRatchetPublicKey = responderRatchetPublicKey.clone();
        this.responderRatchetKeyPair = responderRatchetKeyPair;
        this.retainedSecret = retainedSecret;
    }

    /** The secret this session leaves for the next handshake with the same device (ZRTP's rs1). */
    SecretBytes retainedSecret() {
        return retainedSecret;
    }

    public CipherSuite suite() {
        return suite;
    }

    public boolean isInitiator() {
        return initiator;
    }

    public SecretBytes rootKey() {
        return rootKey;
    }

    /** The header key of the initiator's first sending chain (the spec's shared_hka). */
    public SecretBytes initiatorHeaderKey() {
        return initiatorHeaderKey;
    }

    /** The header key of the responder's first sending chain (the spec's shared_nhkb). */
    public SecretBytes responderHeaderKey() {
        return responderHeaderKey;
    }

    public byte[] responderRatchetPublicKey() {
        return responderRatchetPublicKey.clone();
    }

    /** Present on the responder's side only. */
    public Optional<X25519KeyPair> responderRatchetKeyPair() {
        return Optional.ofNullable(responderRatchetKeyPair);
    }

    /** The seed in the form the Double Ratchet takes (it copies every secret). */
    public RatchetInit toRatchetInit() {
        if (initiator) {
            return RatchetInit.forInitiator(suite, rootKey, responderRatchetPublicKey, initiatorHeaderKey,
                    responderHeaderKey);
        }
        return RatchetInit.forResponder(suite, rootKey, responderRatchetKeyPair, responderHeaderKey,
                initiatorHeaderKey);
    }

    /** Erases the seed's secrets once the ratchet has taken its copies. */
    public void wipe() {
        rootKey.wipe();
        initiatorHeaderKey.wipe();
        responderHeaderKey.wipe();
    }

    @Override
    public String toString() {
        return "SessionSeed[" + suite + ", " + (initiator ? "initiator" : "responder") + ", keys redacted]";
    }
}
