package im.sotto.protocol.noise;

import static im.sotto.protocol.noise.Token.E;
import static im.sotto.protocol.noise.Token.EE;
import static im.sotto.protocol.noise.Token.ES;
import static im.sotto.protocol.noise.Token.PSK;
import static im.sotto.protocol.noise.Token.S;
import static im.sotto.protocol.noise.Token.SE;
import static im.sotto.protocol.noise.Token.SS;

import java.util.List;

/**
 * A handshake pattern as data: pre-messages and the token lists of each message. Message i is sent by the
 * initiator when i is even. The handshake state machine interprets these lists; no pattern has code of its own.
 */
public final class HandshakePattern {
    /** Mutual authentication; the initiator's static key goes only to an authenticated responder. */
    public static final HandshakePattern XX = new HandshakePattern("XX", List.of(), List.of(),
            List.of(List.of(E), List.of(E, EE, S, ES), List.of(S, SE)));

    /** The initiator already knows the responder's static key: two messages. */
    public static final HandshakePattern IK = new HandshakePattern("IK", List.of(), List.of(S),
            List.of(List.of(E, ES, S, SS), List.of(E, EE, SE)));

    /** Anonymous initiator, known responder. Used only for vector conformance. */
    public static final HandshakePattern NK = new HandshakePattern("NK", List.of(), List.of(S),
            List.of(List.of(E, ES), List.of(E, EE)));

    /** XX with a pre-shared key mixed in after the last message. */
    public static final HandshakePattern XX_PSK3 = new HandshakePattern("XXpsk3", List.of(), List.of(),
            List.of(List.of(E), List.of(E, EE, S, ES), List.of(S, SE, PSK)));

    /**
     * Sotto's responder-protecting pattern: the responder reveals its static key only in the last message, after it
     * has authenticated the initiator. Not a registered Noise pattern; the name is Sotto's own.
     */
    public static final HandshakePattern XX_RESPONDER_PROTECTED = new HandshakePattern("XXrp", List.of(), List.of(),
            List.of(List.of(E), List.of(E, EE), List.of(S, SE), List.of(S, ES)));

    private final String name;
    private final List<Token> initiatorPreMessage;
    private final List<Token> responderPreMessage;
    private final List<List<Token>> messages;

    private HandshakePattern(String name, List<Token> initiatorPre, List<Token> responderPre,
            List<List<Token>> messages) {
        this.name = name;
        this.initiatorPreMessage = List.copyOf(initiatorPre);
        this.responderPreMessage = List.copyOf(responderPre);
        this.messages = List.copyOf(messages);
    }

    public String name() {
        return name;
    }

    public List<Token> initiatorPreMessage() {
        return initiatorPreMessage;
    }

    public List<Token> responderPreMessage() {
        return responderPreMessage;
    }

    public List<List<Token>> messages() {
        return messages;
    }

    public boolean usesPsk() {
        return messages.stream().anyMatch(m -> m.contains(PSK));
    }

    /** The full Noise protocol name, e.g. {@code Noise_XX_25519_AESGCM_SHA256}. */
    public String protocolName(String suiteSuffix) {
        return "Noise_" + name + "_" + suiteSuffix;
    }

    @Override
    public String toString() {
        return name;
    }
}
