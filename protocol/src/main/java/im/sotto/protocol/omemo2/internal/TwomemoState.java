package im.sotto.protocol.omemo2.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * One OMEMO 2 Double Ratchet state with a peer device, as the Double Ratchet specification lays it out (one sending
 * and one receiving chain; keys of skipped messages held by ratchet key and counter), plus the X3DH associated data
 * and, on the initiator's side until the first reply, what each OMEMOKeyExchange repeats. Mutable: every operation
 * works on a copy freshly decoded from the stored record, which the caller stores only on success.
 */
public final class TwomemoState {
    /** IK of the initiator, then IK of the responder, both Ed25519 (32 bytes each). */
    byte[] associatedData;
    /** Whether this side started the session (its identity comes first in the associated data). */
    boolean initiator;
    byte[] localIdentity;
    byte[] remoteIdentity;
    byte[] rootKey;
    byte[] sendingPrivate;
    byte[] sendingPublic;
    /** Null on the responder's side before its first message arrived (never stored that way). */
    byte[] remoteRatchetKey;
    byte[] sendingChainKey;
    /** Null on the initiator's side until the responder answered. */
    byte[] receivingChainKey;
    int sendingIndex;
    int receivingIndex;
    int previousSendingLength;
    final LinkedHashMap<Skipped, byte[]> skippedKeys = new LinkedHashMap<>();
    /**
     * The peer's earlier ratchet keys, newest first (at most {@code OmemoLimits.MAX_RECEIVING_CHAINS}): a message on
     * one of those chains without a held key was already read, a replay to report as such rather than as a forgery.
     */
    final List<byte[]> earlierRemoteRatchetKeys = new ArrayList<>();
    /** The initiator's ephemeral key: tells which session a repeated key exchange belongs to. */
    byte[] baseKey;
    /** Present on the initiator's side until the first reply. */
    PendingKeyExchange pending;

    /** The key of a held message key: the ratchet key of its chain and its counter. */
    record Skipped(ByteBuffer ratchetKey, int n) {
        static Skipped of(byte[] ratchetKey, int n) {
            return new Skipped(ByteBuffer.wrap(ratchetKey.clone()), n);
        }

        byte[] ratchetKeyBytes() {
            byte[] out = new byte[ratchetKey.remaining()];
            ratchetKey.duplicate().get(out);
            return out;
        }
    }

    /** What every message repeats until the responder answers. */
    record PendingKeyExchange(int preKeyId, int signedPreKeyId, byte[] baseKey) {}

    TwomemoState() {}

    public byte[] remoteIdentity() {
        return remoteIdentity.clone();
    }

    public byte[] baseKey() {
        return baseKey.clone();
    }

    /** Whether messages are still sent as key exchanges (the peer has not answered yet). */
    public boolean awaitingReply() {
        return pending != null;
    }
}
