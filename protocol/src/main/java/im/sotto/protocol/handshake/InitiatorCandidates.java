package im.sotto.protocol.handshake;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.noise.HandshakeState;
import im.sotto.protocol.noise.NoiseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The initiator's Noise states for message 1, one per (version, suite, mode) offered, all with the same ephemeral
 * key: the responder has not chosen yet, so each is ready, and only the one its response selects is kept. The
 * selection is in every state's prologue, so a changed selection fails authentication.
 */
final class InitiatorCandidates {
    private Map<Selection, HandshakeState> states = new HashMap<>();

    /** Prepares a state for each offered selection; returns message 1's Noise part (the same for all of them). */
    byte[] prepare(Offer offer, byte[] negotiation, X25519KeyPair deviceKey, X25519KeyPair ephemeral,
            byte[] initiatorNonce) throws NoiseException {
        states.clear();
        byte[] noiseMessage = null;
        for (int version : offer.versions()) {
            for (CipherSuite suite : offer.suites()) {
                for (HandshakeMode mode : offer.modes()) {
                    Selection s = new Selection(version, suite, mode);
                    HandshakeState hs = HandshakeParty.newState(s, true, negotiation, deviceKey, ephemeral, null);
                    byte[] c = ShortAuthenticationString.commitment(suite.hash(), initiatorNonce);
                    byte[] m = hs.writeMessage(c);
                    // Every candidate writes the same bytes: e and the commitment in clear (all suites hash with
                    // SHA-256 today). A suite with another hash would need its own commitment field.
                    if (noiseMessage != null && !Arrays.equals(noiseMessage, m)) {
                        throw new IllegalStateException("candidate first messages differ");
                    }
                    noiseMessage = m;
                    states.put(s, hs);
                }
            }
        }
        return noiseMessage;
    }

    boolean offered(Selection selection) {
        return states.containsKey(selection);
    }

    /** The state the responder selected; the others are dropped. */
    HandshakeState take(Selection selection) {
        HandshakeState chosen = states.get(selection);
        forget();
        return chosen;
    }

    void forget() {
        states = new HashMap<>();
    }
}
