package im.sotto.protocol.omemo2.internal;

import im.sotto.protocol.crypto.Ed25519KeyPair;
import im.sotto.protocol.crypto.InvalidPublicKeyException;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.omemo.OmemoException;
import im.sotto.protocol.omemo.OmemoFailure;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * X3DH as OMEMO 2 uses it, followed by the Double Ratchet's initialisation (the specification's RatchetInitAlice and
 * RatchetInitBob): HKDF-SHA-256 over 32 0xFF bytes and DH(IK_A, SPK_B) || DH(EK_A, IK_B) || DH(EK_A, SPK_B) ||
 * DH(EK_A, OPK_B) with info "OMEMO X3DH" gives the 32-byte root key; the associated data is IK_A || IK_B in their
 * Ed25519 form. OMEMO 2 requires the one-time prekey (OMEMOKeyExchange's pk_id is required). The responder's first
 * ratchet key pair is its signed prekey.
 */
public final class TwomemoX3dh {
    private static final int DISCONTINUITY_BYTES = 32;

    private TwomemoX3dh() {}

    /** The initiator's side; the caller has verified the signed prekey's signature under {@code remoteIdentity}. */
    public record Initiation(Ed25519KeyPair localIdentity, byte[] remoteIdentity, int signedPreKeyId,
            byte[] signedPreKey, int preKeyId, byte[] preKey) {}

    public static TwomemoState initiate(Initiation in, SecureRandom random) throws OmemoException {
        X25519KeyPair base = X25519KeyPair.generate(random);
        byte[] remoteMontgomery = EdwardsKeys.montgomeryOf(in.remoteIdentity());
        byte[] rootKey = rootKey(concatenate(
                agree(EdwardsKeys.x25519Of(in.localIdentity()), in.signedPreKey()),
                agree(base, remoteMontgomery),
                agree(base, in.signedPreKey()),
                agree(base, in.preKey())));
        TwomemoState s = new TwomemoState();
        s.localIdentity = in.localIdentity().publicKey();
        s.remoteIdentity = in.remoteIdentity().clone();
        s.initiator = true;
        s.associatedData = concat(s.localIdentity, s.remoteIdentity);
        s.rootKey = rootKey;
        s.remoteRatchetKey = in.signedPreKey().clone();
        TwomemoRatchet.newSendingChain(s, random);
        s.baseKey = base.publicKey();
        s.pending = new TwomemoState.PendingKeyExchange(in.preKeyId(), in.signedPreKeyId(), base.publicKey());
        return s;
    }

    /** The responder's side, from a key exchange and the private prekeys it names; the first message follows. */
    public record Response(Ed25519KeyPair localIdentity, X25519KeyPair signedPreKey, X25519KeyPair preKey,
            byte[] remoteIdentity, byte[] baseKey) {}

    public static TwomemoState respond(Response in) throws OmemoException {
        byte[] remoteMontgomery = EdwardsKeys.montgomeryOf(in.remoteIdentity());
        byte[] rootKey = rootKey(concatenate(
                agree(in.signedPreKey(), remoteMontgomery),
                agree(EdwardsKeys.x25519Of(in.localIdentity()), in.baseKey()),
                agree(in.signedPreKey(), in.baseKey()),
                agree(in.preKey(), in.baseKey())));
        TwomemoState s = new TwomemoState();
        s.localIdentity = in.localIdentity().publicKey();
        s.remoteIdentity = in.remoteIdentity().clone();
        s.associatedData = concat(s.remoteIdentity, s.localIdentity);
        s.rootKey = rootKey;
        s.sendingPrivate = in.signedPreKey().privateKey().reveal();
        s.sendingPublic = in.signedPreKey().publicKey();
        s.baseKey = in.baseKey().clone();
        return s;
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

    /** The root key; the concatenated agreements are wiped. */
    private static byte[] rootKey(byte[] secret) {
        try {
            return TwomemoKdf.x3dh(secret);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
