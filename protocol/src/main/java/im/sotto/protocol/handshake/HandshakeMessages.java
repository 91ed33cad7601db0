package im.sotto.protocol.handshake;

import java.util.Optional;

/**
 * What a received handshake message is for, read from its frame type alone (docs/protocol.md 4.2), so that a
 * transport can route it without knowing the frame's codes: it decides nothing about the message's validity.
 */
public final class HandshakeMessages {
    private HandshakeMessages() {
    }

    /** True for a message that opens a handshake (INIT, RETRY_INIT, KNOWN_PEER_INIT): it starts a responder. */
    public static boolean opensHandshake(byte[] message) {
        return Frame.peekType(message).map(t -> t == Frame.Type.INIT || t == Frame.Type.RETRY_INIT
                || t == Frame.Type.KNOWN_PEER_INIT).orElse(false);
    }

    /** True for a retried opening (RETRY_INIT, after a counter-offer): it replaces a responder already started. */
    public static boolean isRetry(byte[] message) {
        return Frame.peekType(message).filter(t -> t == Frame.Type.RETRY_INIT).isPresent();
    }

    /**
     * True for a counter-offer: it carries no fresh key, and one peer sends the same bytes to every offer it cannot
     * take, so equal bytes are no replay.
     */
    public static boolean isCounterOffer(byte[] message) {
        return Frame.peekType(message).filter(t -> t == Frame.Type.COUNTER_OFFER).isPresent();
    }

    /**
     * True for the initiator's message 3 (INITIATOR_FINISH): in the responder-protected mode the responder reveals
     * itself only after it, and a responder whose reveal policy does not count the initiator as a contact never does.
     */
    public static boolean isInitiatorFinish(byte[] message) {
        return Frame.peekType(message).filter(t -> t == Frame.Type.INITIATOR_FINISH).isPresent();
    }

    /** The side of a handshake that sends a message type. */
    public enum Sender {
        INITIATOR, RESPONDER
    }

    /**
     * Which side sends a message of this type, empty when it is no handshake type or one either side may send
     * (CONTINUITY_CONFIRM: the side that learns second, which depends on the mode). A message reaching a handshake in
     * flight in which this side plays the same role cannot belong to it: it comes from an earlier handshake in which
     * the roles were the other way round (stale), not from an attacker.
     */
    public static Optional<Sender> sender(byte[] message) {
        return Frame.peekType(message).flatMap(t -> switch (t) {
            case INIT, INITIATOR_FINISH, RETRY_INIT, KNOWN_PEER_INIT -> Optional.of(Sender.INITIATOR);
            case RESPONSE, RESPONDER_FINISH, COUNTER_OFFER -> Optional.of(Sender.RESPONDER);
            case CONTINUITY_CONFIRM -> Optional.<Sender>empty();
        });
    }

    /** The frame type's name for a report (e.g. {@code RESPONSE}), or the raw code when it is no handshake type. */
    public static String typeName(byte[] message) {
        return Frame.peekType(message).map(Enum::name)
                .orElse(message.length < 2 ? "none" : Integer.toString(message[1] & 0xff));
    }
}
