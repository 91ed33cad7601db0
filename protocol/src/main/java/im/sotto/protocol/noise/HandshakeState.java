package im.sotto.protocol.noise;

import im.sotto.protocol.crypto.AeadAlgorithm;
import im.sotto.protocol.crypto.AuthenticationFailedException;
import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.InvalidPublicKeyException;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519;
import im.sotto.protocol.crypto.X25519KeyPair;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A Noise handshake (rev 34, section 5.3) interpreting a {@link HandshakePattern}. States are explicit; any
 * failure moves to the terminal {@link Status#FAILED} state and wipes the secrets. Each read works on the message
 * as a whole: a message is either fully accepted or the handshake is failed.
 */
public final class HandshakeState {
    /** Noise's maximum message size. */
    public static final int MAX_MESSAGE_LENGTH = 65535;

    /** Where the state machine is. */
    public enum Status {
        WRITE_NEXT, READ_NEXT, COMPLETE, FAILED
    }

    private final HandshakePattern pattern;
    private final CipherSuite suite;
    private final boolean initiator;
    private final SymmetricState symmetric;
    private final X25519KeyPair localStatic;
    private final Supplier<X25519KeyPair> ephemeralSource;
    private final Deque<SecretBytes> psks;
    private X25519KeyPair localEphemeral;
    private byte[] remoteStatic;
    private byte[] remoteEphemeral;
    private int messageIndex;
    private Status status;
    private byte[] finalHash;
    private byte[] payloadHash;

    private HandshakeState(Builder b) {
        this.pattern = b.pattern;
        this.suite = b.suite;
        this.initiator = b.initiator;
        this.localStatic = b.localStatic;
        this.remoteStatic = b.remoteStatic == null ? null : b.remoteStatic.clone();
        this.ephemeralSource = b.ephemeralSource;
        this.psks = new ArrayDeque<>(b.psks);
        this.symmetric = new SymmetricState(suite, pattern.protocolName(suite.noiseSuffix()));
        symmetric.mixHash(b.prologue);
        mixPreMessage(pattern.initiatorPreMessage(), initiator);
        mixPreMessage(pattern.responderPreMessage(), !initiator);
        this.status = initiator ? Status.WRITE_NEXT : Status.READ_NEXT;
    }

    private void mixPreMessage(List<Token> tokens, boolean local) {
        for (Token t : tokens) {
            if (t != Token.S) {
                throw new IllegalArgumentException("only static keys are supported in pre-messages");
            }
            byte[] key = local ? localStatic.publicKey() : remoteStatic;
            symmetric.mixHash(Objects.requireNonNull(key, "pre-message static key missing"));
        }
    }

    public static Builder builder(HandshakePattern pattern, CipherSuite suite, boolean initiator) {
        return new Builder(pattern, suite, initiator);
    }

    public Status status() {
        return status;
    }

    public boolean isInitiator() {
        return initiator;
    }

    public HandshakePattern pattern() {
        return pattern;
    }

    public CipherSuite suite() {
        return suite;
    }

    /** The index of the next message to be written or read. */
    public int messageIndex() {
        return messageIndex;
    }

    /** The current handshake hash h; after completion it is the channel binding value. */
    public byte[] handshakeHash() {
        return finalHash != null ? finalHash.clone() : symmetric.handshakeHash();
    }

    /** The handshake hash just before the payload of the last message written or read. */
    public byte[] payloadHash() {
        if (payloadHash == null) {
            throw new IllegalStateException("no message processed yet");
        }
        return payloadHash.clone();
    }

    /** The peer's static public key once it has been received (or was known in advance); null otherwise. */
    public byte[] remoteStaticKey() {
        return remoteStatic == null ? null : remoteStatic.clone();
    }

    /**
     * Mixes a secret agreed outside the pattern (Sotto's hybrid suite: an ML-KEM shared secret) into the keys,
     * with the public data that produced it (the KEM ciphertext) into the hash, between two messages. Both sides
     * must call it at the same point; everything after depends on it. Not part of Noise revision 34.
     */
    public void mixExternal(byte[] publicData, SecretBytes secret) throws NoiseException {
        if (status != Status.WRITE_NEXT && status != Status.READ_NEXT) {
            throw new NoiseException(NoiseException.Kind.WRONG_STATE, "handshake is " + status);
        }
        symmetric.mixHash(publicData);
        symmetric.mixKey(secret);
    }

    /** Builds a payload from the handshake hash as it stands just before the payload is encrypted. */
    @FunctionalInterface
    public interface PayloadSource {
        byte[] build(byte[] hashBeforePayload);
    }

    public byte[] writeMessage(byte[] payload) throws NoiseException {
        return writeMessage(h -> payload);
    }

    /**
     * Writes the next message with a payload that may depend on the transcript so far (Sotto's retained-secret
     * proofs are MACs over it): the hash after this message's tokens and before its payload, unique per session.
     */
    public byte[] writeMessage(PayloadSource payloadSource) throws NoiseException {
        expect(Status.WRITE_NEXT);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (Token token : pattern.messages().get(messageIndex)) {
                switch (token) {
                    case E:
                        localEphemeral = ephemeralSource.get();
                        byte[] pub = localEphemeral.publicKey();
                        out.writeBytes(pub);
                        symmetric.mixHash(pub);
                        if (pattern.usesPsk()) {
                            symmetric.mixKey(SecretBytes.copyOf(pub));
                        }
                        break;
                    case S:
                        out.writeBytes(symmetric.encryptAndHash(localStatic.publicKey()));
                        break;
                    case PSK:
                        symmetric.mixKeyAndHash(nextPsk());
                        break;
                    default:
                        symmetric.mixKey(dh(token));
                }
            }
            payloadHash = symmetric.handshakeHash();
            out.writeBytes(symmetric.encryptAndHash(payloadSource.build(payloadHash.clone())));
            if (out.size() > MAX_MESSAGE_LENGTH) {
                throw fail(NoiseException.Kind.MALFORMED, "handshake message exceeds 65535 bytes");
            }
            advance();
            return out.toByteArray();
        } catch (InvalidPublicKeyException e) {
            throw fail(NoiseException.Kind.INVALID_KEY, e.getMessage());
        }
    }

    public byte[] readMessage(byte[] message) throws NoiseException {
        expect(Status.READ_NEXT);
        if (message.length > MAX_MESSAGE_LENGTH) {
            throw fail(NoiseException.Kind.MALFORMED, "handshake message exceeds 65535 bytes");
        }
        int offset = 0;
        try {
            for (Token token : pattern.messages().get(messageIndex)) {
                switch (token) {
                    case E:
                        remoteEphemeral = take(message, offset, X25519.KEY_LENGTH);
                        offset += X25519.KEY_LENGTH;
                        symmetric.mixHash(remoteEphemeral);
                        if (pattern.usesPsk()) {
                            symmetric.mixKey(SecretBytes.copyOf(remoteEphemeral));
                        }
                        break;
                    case S:
                        int len = X25519.KEY_LENGTH + (symmetric.hasKey() ? AeadAlgorithm.TAG_LENGTH : 0);
                        remoteStatic = symmetric.decryptAndHash(take(message, offset, len));
                        offset += len;
                        break;
                    case PSK:
                        symmetric.mixKeyAndHash(nextPsk());
                        break;
                    default:
                        symmetric.mixKey(dh(token));
                }
            }
            byte[] rest = Arrays.copyOfRange(message, offset, message.length);
            if (symmetric.hasKey() && rest.length < AeadAlgorithm.TAG_LENGTH) {
                throw fail(NoiseException.Kind.MALFORMED, "handshake message too short for its payload tag");
            }
            byte[] hashBeforePayload = symmetric.handshakeHash();
            byte[] payload = symmetric.decryptAndHash(rest);
            payloadHash = hashBeforePayload;
            advance();
            return payload;
        } catch (AuthenticationFailedException e) {
            throw fail(NoiseException.Kind.AUTHENTICATION_FAILED, "handshake message failed authentication");
        } catch (InvalidPublicKeyException e) {
            throw fail(NoiseException.Kind.INVALID_KEY, e.getMessage());
        }
    }

    /**
     * Keying material for what follows the handshake (Sotto seeds its Double Ratchet from it): HKDF with the final
     * handshake hash as salt, both Split() outputs as input and {@code info} as the label. The handshake secrets
     * are wiped; the state is spent afterwards.
     */
    public SecretBytes exportSecret(byte[] info, int length) throws NoiseException {
        return exportSecret(info, length, null);
    }

    /**
     * As {@link #exportSecret(byte[], int)}, with an extra secret both sides hold (a retained secret) appended to
     * the HKDF input; null for none.
     */
    public SecretBytes exportSecret(byte[] info, int length, SecretBytes extra) throws NoiseException {
        expect(Status.COMPLETE);
        finalHash = symmetric.handshakeHash();
        status = Status.FAILED; // spent: nothing more may be derived from it
        return symmetric.exportSecret(info, length, extra);
    }

    /**
     * The transport keys after completion: index 0 protects initiator-to-responder traffic, index 1 the reverse.
     * The handshake secrets are wiped; the state can be split only once.
     */
    public CipherState[] split() throws NoiseException {
        expect(Status.COMPLETE);
        finalHash = symmetric.handshakeHash();
        CipherState[] pair = symmetric.split();
        symmetric.wipe();
        status = Status.FAILED; // spent: nothing more may be derived from it
        return pair;
    }

    private SecretBytes dh(Token token) throws InvalidPublicKeyException, NoiseException {
        switch (token) {
            case EE:
                return agree(localEphemeral, remoteEphemeral);
            case SS:
                return agree(localStatic, remoteStatic);
            case ES:
                return initiator ? agree(localEphemeral, remoteStatic) : agree(localStatic, remoteEphemeral);
            case SE:
                return initiator ? agree(localStatic, remoteEphemeral) : agree(localEphemeral, remoteStatic);
            default:
                throw new IllegalStateException("not a DH token: " + token);
        }
    }

    private SecretBytes agree(X25519KeyPair local, byte[] remote) throws InvalidPublicKeyException, NoiseException {
        if (local == null || remote == null) {
            throw fail(NoiseException.Kind.WRONG_STATE, "pattern needs a key this handshake does not have");
        }
        return local.agree(remote);
    }

    private SecretBytes nextPsk() throws NoiseException {
        SecretBytes psk = psks.poll();
        if (psk == null) {
            throw fail(NoiseException.Kind.WRONG_STATE, "pattern needs a pre-shared key that was not given");
        }
        return psk;
    }

    private byte[] take(byte[] message, int offset, int length) throws NoiseException {
        if (message.length - offset < length) {
            throw fail(NoiseException.Kind.MALFORMED, "handshake message truncated");
        }
        return Arrays.copyOfRange(message, offset, offset + length);
    }

    private void advance() {
        messageIndex++;
        if (messageIndex == pattern.messages().size()) {
            status = Status.COMPLETE;
        } else {
            boolean initiatorSendsNext = messageIndex % 2 == 0;
            status = initiatorSendsNext == initiator ? Status.WRITE_NEXT : Status.READ_NEXT;
        }
    }

    private void expect(Status wanted) throws NoiseException {
        if (status != wanted) {
            throw new NoiseException(NoiseException.Kind.WRONG_STATE, "handshake is " + status + ", not " + wanted);
        }
    }

    private NoiseException fail(NoiseException.Kind kind, String message) {
        status = Status.FAILED;
        symmetric.wipe();
        return new NoiseException(kind, message);
    }

    @Override
    public String toString() {
        return "HandshakeState[" + pattern.protocolName(suite.noiseSuffix()) + ", " + (initiator ? "initiator" : "responder")
                + ", message " + messageIndex + ", " + status + "]";
    }

    /** Configures a handshake. The static key, remote static key and PSKs are needed only where the pattern asks. */
    public static final class Builder {
        private final HandshakePattern pattern;
        private final CipherSuite suite;
        private final boolean initiator;
        private byte[] prologue = new byte[0];
        private X25519KeyPair localStatic;
        private byte[] remoteStatic;
        private Supplier<X25519KeyPair> ephemeralSource;
        private final Deque<SecretBytes> psks = new ArrayDeque<>();

        private Builder(HandshakePattern pattern, CipherSuite suite, boolean initiator) {
            this.pattern = Objects.requireNonNull(pattern);
            this.suite = Objects.requireNonNull(suite);
            this.initiator = initiator;
        }

        public Builder prologue(byte[] value) {
            this.prologue = value.clone();
            return this;
        }

        public Builder localStatic(X25519KeyPair value) {
            this.localStatic = value;
            return this;
        }

        public Builder remoteStatic(byte[] value) {
            this.remoteStatic = value.clone();
            return this;
        }

        public Builder psk(SecretBytes value) {
            if (value.length() != 32) {
                throw new IllegalArgumentException("Noise PSKs are 32 bytes");
            }
            psks.add(value);
            return this;
        }

        /** Fresh ephemeral keys from {@code random}: the normal case. */
        public Builder random(SecureRandom random) {
            this.ephemeralSource = () -> X25519KeyPair.generate(random);
            return this;
        }

        /**
         * An ephemeral key generated by the caller. It must be fresh and serve one handshake: Sotto's handshake
         * layer uses this to prepare one candidate state per offered suite and mode, of which exactly one survives;
         * known-answer tests use it to fix the key. Reusing an ephemeral key across handshakes destroys forward
         * secrecy.
         */
        public Builder ephemeral(X25519KeyPair value) {
            this.ephemeralSource = () -> value;
            return this;
        }

        public HandshakeState build() {
            if (ephemeralSource == null) {
                throw new IllegalStateException("a SecureRandom (or a fixed test ephemeral) is required");
            }
            return new HandshakeState(this);
        }
    }
}
