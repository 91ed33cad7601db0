package im.sotto.protocol.omemo.internal;

import im.sotto.protocol.crypto.InvalidPublicKeyException;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoFailure;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * Session setup as Signal's version 3 session builder does it for OMEMO 0.3: X3DH over the peer's identity key,
 * signed prekey and (when the bundle offered one) one-time prekey, the agreements concatenated behind 32 bytes 0xFF
 * and expanded with HKDF-SHA256 ("WhisperText", zero salt) into a root key and a chain key. The signed prekey also
 * serves as the responder's first ratchet key.
 */
public final class X3dh {
    /** The 32 0xFF bytes Signal puts before the agreements (the X3DH specification's F for X25519). */
    private static final int DISCONTINUITY_BYTES = 32;

    private X3dh() {}

    /** The initiator's side; the caller has verified the signed prekey's signature. */
    public record Initiation(X25519KeyPair localIdentity, int localRegistrationId, byte[] remoteIdentity,
            int remoteRegistrationId, int signedPreKeyId, byte[] signedPreKey, OptionalInt oneTimePreKeyId,
            byte[] oneTimePreKey) {}

    public static SessionState initiate(Initiation in, SecureRandom random) throws OmemoException {
        X25519KeyPair base = X25519KeyPair.generate(random);
        byte[] secret = concatenate(
                agree(in.localIdentity(), in.signedPreKey()),
                agree(base, in.remoteIdentity()),
                agree(base, in.signedPreKey()),
                in.oneTimePreKey() == null ? new byte[0] : agree(base, in.oneTimePreKey()));
        SignalKdf.KeyPair setup = SignalKdf.setup(secret);
        Arrays.fill(secret, (byte) 0);
        X25519KeyPair sending = X25519KeyPair.generate(random);
        byte[] dh = agree(sending, in.signedPreKey());
        SignalKdf.KeyPair step = SignalKdf.rootStep(setup.rootKey(), dh);
        Arrays.fill(dh, (byte) 0);

        SessionState s = new SessionState();
        s.localIdentity = in.localIdentity().publicKey();
        s.remoteIdentity = in.remoteIdentity().clone();
        s.localRegistrationId = in.localRegistrationId();
        s.remoteRegistrationId = in.remoteRegistrationId();
        s.receivingChains.add(new ReceivingChain(in.signedPreKey(), setup.chainKey(), 0));
        s.rootKey = step.rootKey();
        setSender(s, sending, step.chainKey());
        s.aliceBaseKey = base.publicKey();
        s.pendingPreKey = new SessionState.PendingPreKey(in.oneTimePreKeyId(), in.signedPreKeyId(),
                base.publicKey());
        return s;
    }

    /** The responder's side, from a prekey message's fields and the private prekeys it names. */
    public record Response(X25519KeyPair localIdentity, int localRegistrationId, X25519KeyPair signedPreKey,
            X25519KeyPair oneTimePreKey, byte[] remoteIdentity, int remoteRegistrationId, byte[] baseKey) {}

    public static SessionState respond(Response in) throws OmemoException {
        byte[] secret = concatenate(
                agree(in.signedPreKey(), in.remoteIdentity()),
                agree(in.localIdentity(), in.baseKey()),
                agree(in.signedPreKey(), in.baseKey()),
                in.oneTimePreKey() == null ? new byte[0] : agree(in.oneTimePreKey(), in.baseKey()));
        SignalKdf.KeyPair setup = SignalKdf.setup(secret);
        Arrays.fill(secret, (byte) 0);

        SessionState s = new SessionState();
        s.localIdentity = in.localIdentity().publicKey();
        s.remoteIdentity = in.remoteIdentity().clone();
        s.localRegistrationId = in.localRegistrationId();
        s.remoteRegistrationId = in.remoteRegistrationId();
        s.rootKey = setup.rootKey();
        setSender(s, in.signedPreKey(), setup.chainKey());
        s.aliceBaseKey = in.baseKey().clone();
        return s;
    }

    static void setSender(SessionState s, X25519KeyPair ratchetKey, byte[] chainKey) {
        s.senderRatchetPrivate = ratchetKey.privateKey().reveal();
        s.senderRatchetPublic = ratchetKey.publicKey();
        s.senderChainKey = chainKey;
        s.senderIndex = 0;
    }

    static byte[] agree(X25519KeyPair ours, byte[] theirs) throws OmemoException {
        try {
            SecretBytes shared = ours.agree(theirs);
            try {
                return shared.reveal();
            } finally {
                shared.wipe();
            }
        } catch (InvalidPublicKeyException e) {
            throw new OmemoException(OmemoFailure.INVALID_PUBLIC_KEY, e.getMessage());
        }
    }

    private static byte[] concatenate(byte[]... agreements) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] discontinuity = new byte[DISCONTINUITY_BYTES];
        Arrays.fill(discontinuity, (byte) 0xff);
        out.writeBytes(discontinuity);
        for (byte[] a : agreements) {
            out.writeBytes(a);
            Arrays.fill(a, (byte) 0);
        }
        return out.toByteArray();
    }
}
