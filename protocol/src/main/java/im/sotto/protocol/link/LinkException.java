package im.sotto.protocol.link;

import java.util.Optional;

/**
 * A link attempt failed: {@link #failure()} says why, {@link #reportedByPeer()} whether the other device said so in
 * an abort message (unauthenticated: it can end an attempt, never make one succeed). When the peer should learn of
 * it, {@link #abortForPeer()} holds the abort message to send.
 */
public final class LinkException extends Exception {
    private static final long serialVersionUID = 1L;

    private final LinkFailure failure;
    private final boolean reportedByPeer;
    private final transient byte[] abortForPeer;

    LinkException(LinkFailure failure, String message, boolean reportedByPeer, byte[] abortForPeer) {
        super(message);
        this.failure = failure;
        this.reportedByPeer = reportedByPeer;
        this.abortForPeer = abortForPeer;
    }

    static LinkException local(LinkFailure failure, String message) {
        return new LinkException(failure, message, false, null);
    }

    static LinkException toTell(LinkFailure failure, String message, byte[] sessionId) {
        return new LinkException(failure, message, false, LinkMessage.abort(sessionId, failure));
    }

    public LinkFailure failure() {
        return failure;
    }

    public boolean reportedByPeer() {
        return reportedByPeer;
    }

    /**
     * Whether the attempt is over (this side failed it, or the peer said so). Otherwise the message was not part of
     * the attempt (another session, malformed, a replay) and changed nothing: keep waiting.
     */
    public boolean endsAttempt() {
        return reportedByPeer || abortForPeer != null;
    }

    public Optional<byte[]> abortForPeer() {
        return Optional.ofNullable(abortForPeer).map(byte[]::clone);
    }
}
