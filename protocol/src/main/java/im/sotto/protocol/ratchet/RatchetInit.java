package im.sotto.protocol.ratchet;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.ConstantTime;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519;
import im.sotto.protocol.crypto.X25519KeyPair;
import java.util.Objects;

/**
 * What a handshake hands to the ratchet (docs/protocol.md, "What the ratchet needs from a handshake"): the suite,
 * the shared root key SK, the responder's ratchet key (its public half for the initiator, the pair for the
 * responder) and the two shared header keys of the specification's header-encryption variant: HKa (the initiator's
 * first sending header key, the responder's first NHKr) and NHKb (the initiator's first NHKr, the responder's first
 * NHKs). The initiator is the side that sends the first ratchet message. Secrets are copied in.
 */
public final class RatchetInit {
    /** Which side of the ratchet this seed is for. */
    public enum Role { INITIATOR, RESPONDER }

    private final Role role;
    private final CipherSuite suite;
    private final SecretBytes rootKey;
    private final byte[] responderRatchetPublicKey;
    private final X25519KeyPair responderRatchetKeyPair;
    private final SecretBytes initiatorHeaderKey;
    private final SecretBytes responderHeaderKey;

    private RatchetInit(Role role, CipherSuite suite, SecretBytes rootKey, byte[] responderPublic,
            X25519KeyPair responderPair, SecretBytes initiatorHeaderKey, SecretBytes responderHeaderKey) {
        this.role = role;
        this.suite = Objects.requireNonNull(suite, "suite");
        this.rootKey = copy(rootKey, "root key");
        this.responderRatchetPublicKey = responderPublic;
        this.responderRatchetKeyPair = responderPair;
        this.initiatorHeaderKey = copy(initiatorHeaderKey, "initiator header key");
        this.responderHeaderKey = copy(responderHeaderKey, "responder header key");
        if (ConstantTime.equals(this.initiatorHeaderKey.reveal(), this.responderHeaderKey.reveal())
                || this.rootKey.equalsSecret(this.initiatorHeaderKey) || this.rootKey.equalsSecret(this.responderHeaderKey)) {
            throw new IllegalArgumentException("root key and the two header keys must be independent");
        }
    }

    /**
     * The initiator's seed.
     *
     * @param sendingHeaderKey HKa, shared with the responder
     * @param nextReceivingHeaderKey NHKb, shared with the responder
     */
    public static RatchetInit forInitiator(CipherSuite suite, SecretBytes rootKey, byte[] responderRatchetPublicKey,
            SecretBytes sendingHeaderKey, SecretBytes nextReceivingHeaderKey) {
        if (responderRatchetPublicKey == null || responderRatchetPublicKey.length != X25519.KEY_LENGTH) {
            throw new IllegalArgumentException("responder ratchet public key must be 32 bytes");
        }
        return new RatchetInit(Role.INITIATOR, suite, rootKey, responderRatchetPublicKey.clone(), null,
                sendingHeaderKey, nextReceivingHeaderKey);
    }

    /**
     * The responder's seed.
     *
     * @param nextSendingHeaderKey NHKb, shared with the initiator
     * @param nextReceivingHeaderKey HKa, shared with the initiator
     */
    public static RatchetInit forResponder(CipherSuite suite, SecretBytes rootKey, X25519KeyPair ownRatchetKeyPair,
            SecretBytes nextSendingHeaderKey, SecretBytes nextReceivingHeaderKey) {
        Objects.requireNonNull(ownRatchetKeyPair, "ownRatchetKeyPair");
        // A copy of the pair as it is: every X25519KeyPair holds matching halves (made, derived or restored from our
        // own authenticated record), so recomputing the public half would be a wasted scalar multiplication.
        X25519KeyPair own = copyOf(ownRatchetKeyPair);
        return new RatchetInit(Role.RESPONDER, suite, rootKey, null, own, nextReceivingHeaderKey, nextSendingHeaderKey);
    }

    /** An independent copy of a key pair (the ratchet wipes its own copy when it moves on). */
    static X25519KeyPair copyOf(X25519KeyPair pair) {
        byte[] raw = pair.privateKey().reveal();
        try {
            return X25519KeyPair.restore(SecretBytes.copyOf(raw), pair.publicKey());
        } finally {
            java.util.Arrays.fill(raw, (byte) 0);
        }
    }

    private static SecretBytes copy(SecretBytes key, String what) {
        Objects.requireNonNull(key, what);
        byte[] raw = key.reveal();
        try {
            return Secrets.checkLength(SecretBytes.copyOf(raw), 32, what);
        } finally {
            java.util.Arrays.fill(raw, (byte) 0);
        }
    }

    public Role role() {
        return role;
    }

    public CipherSuite suite() {
        return suite;
    }

    SecretBytes rootKey() {
        return rootKey;
    }

    byte[] responderRatchetPublicKey() {
        return role == Role.INITIATOR ? responderRatchetPublicKey.clone() : responderRatchetKeyPair.publicKey();
    }

    X25519KeyPair responderRatchetKeyPair() {
        return responderRatchetKeyPair;
    }

    /** HKa. */
    SecretBytes initiatorHeaderKey() {
        return initiatorHeaderKey;
    }

    /** NHKb. */
    SecretBytes responderHeaderKey() {
        return responderHeaderKey;
    }

    @Override
    public String toString() {
        return "RatchetInit[" + role + ", " + suite + ", keys redacted]";
    }
}
