package im.sotto.protocol.omemo.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * One Signal (version 3) session state with a peer device: both identity keys, the root key, the sending chain, the
 * receiving chains (newest first), and, until the peer answers, what the first message needs to repeat in every
 * prekey message. Mutable: each operation works on a state freshly decoded from the stored record and the caller
 * stores it only when the operation succeeded.
 */
public final class SessionState {
    byte[] localIdentity;
    byte[] remoteIdentity;
    int localRegistrationId;
    int remoteRegistrationId;
    byte[] rootKey;
    byte[] senderRatchetPrivate;
    byte[] senderRatchetPublic;
    byte[] senderChainKey;
    int senderIndex;
    int previousCounter;
    final List<ReceivingChain> receivingChains = new ArrayList<>();
    /** The initiator's base key: identifies the session a prekey message belongs to. */
    byte[] aliceBaseKey;
    /** Present on the initiator's side until the first reply arrives. */
    PendingPreKey pendingPreKey;

    /** What every message repeats until the responder has answered (it may have missed the first one). */
    record PendingPreKey(OptionalInt preKeyId, int signedPreKeyId, byte[] baseKey) {}

    SessionState() {}

    public byte[] remoteIdentity() {
        return remoteIdentity.clone();
    }

    public byte[] aliceBaseKey() {
        return aliceBaseKey.clone();
    }

    public int remoteRegistrationId() {
        return remoteRegistrationId;
    }

    /** Whether the next message must be a prekey message (the peer has not answered yet). */
    public boolean awaitingReply() {
        return pendingPreKey != null;
    }

    int skippedKeyCount() {
        int total = 0;
        for (ReceivingChain chain : receivingChains) {
            total += chain.skippedKeys.size();
        }
        return total;
    }

    ReceivingChain receivingChain(byte[] peerRatchetKey) {
        for (ReceivingChain chain : receivingChains) {
            if (chain.matches(peerRatchetKey)) {
                return chain;
            }
        }
        return null;
    }
}
