package im.sotto.protocol.handshake;

import im.sotto.protocol.crypto.MlKem768;
import im.sotto.protocol.pake.CPaceConfirmation;
import im.sotto.protocol.wire.ByteReader;
import im.sotto.protocol.wire.MalformedInputException;

/**
 * The responder's message 2 as the initiator reads it: the selection, the password share and confirmation (only when
 * this side set a password), the KEM ciphertext (only in a hybrid suite), and the Noise part.
 */
record ResponseMessage(Selection chosen, byte[] responderShare, byte[] confirmation, byte[] kemCiphertext,
        byte[] noiseMessage) {
    static ResponseMessage read(ByteReader body, boolean withPassword) throws MalformedInputException {
        Selection chosen = Selection.read(body);
        byte[] responderShare = withPassword ? PasswordExchange.readShare(body) : null;
        byte[] confirmation = withPassword ? body.bytes(CPaceConfirmation.TAG_LENGTH) : null;
        byte[] kemCiphertext = chosen.suite().isHybrid() ? body.bytes(MlKem768.CIPHERTEXT_LENGTH) : new byte[0];
        return new ResponseMessage(chosen, responderShare, confirmation, kemCiphertext, body.rest());
    }
}
