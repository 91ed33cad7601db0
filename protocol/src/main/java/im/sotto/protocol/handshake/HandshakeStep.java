package im.sotto.protocol.handshake;

import java.util.Optional;

/** What a handshake party does next: send a message, finish, or both (send the last message and finish). */
public final class HandshakeStep {
    private final byte[] message;
    private final HandshakeResult result;

    private HandshakeStep(byte[] message, HandshakeResult result) {
        this.message = message;
        this.result = result;
    }

    static HandshakeStep send(byte[] message) {
        return new HandshakeStep(message, null);
    }

    static HandshakeStep sendAndComplete(byte[] message, HandshakeResult result) {
        return new HandshakeStep(message, result);
    }

    static HandshakeStep complete(HandshakeResult result) {
        return new HandshakeStep(null, result);
    }

    /** The handshake message to deliver to the peer, if any. */
    public Optional<byte[]> message() {
        return Optional.ofNullable(message).map(byte[]::clone);
    }

    /** The established session's facts and keys, once the handshake is complete on this side. */
    public Optional<HandshakeResult> result() {
        return Optional.ofNullable(result);
    }

    public boolean isComplete() {
        return result != null;
    }
}
