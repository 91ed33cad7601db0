package im.sotto.protocol.handshake;

import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.X25519KeyPair;
import im.sotto.protocol.identity.DeviceIdentity;
import im.sotto.protocol.noise.HandshakeState;
import im.sotto.protocol.wire.ByteWriter;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Set;

/**
 * An initiator scripted by hand from the wire format, for tests that need what the real one hides: the committed
 * SAS nonce (to give an attacker an oracle in a control experiment) or a different nonce in message 3.
 */
final class ScriptedInitiator {
    private static final Selection SELECTION =
            new Selection(1, CipherSuite.X25519_AESGCM_SHA256, HandshakeMode.XX);
    private final DeviceIdentity device;
    private final SecureRandom random;
    private HandshakeState noise;
    private final byte[] committed = new byte[32];

    ScriptedInitiator(DeviceIdentity device, SecureRandom random) {
        this.device = device;
        this.random = random;
    }

    byte[] start() throws Exception {
        Offer offer = Offer.of(Set.of(1), EnumSet.of(SELECTION.suite()), EnumSet.of(HandshakeMode.XX));
        byte[] negotiation = new ByteWriter().u8(Frame.Type.INIT.code).bytes(offer.encoded()).toByteArray();
        noise = HandshakeParty.newState(SELECTION, true, negotiation, device.deviceKey(),
                X25519KeyPair.generate(random), null);
        random.nextBytes(committed);
        byte[] m1 = noise.writeMessage(ShortAuthenticationString.commitment(SELECTION.suite().hash(), committed));
        return Frame.start(Frame.Type.INIT).bytes(offer.encoded()).bytes(m1).toByteArray();
    }

    byte[] committedNonce() {
        return committed.clone();
    }

    byte[] finishWithAnotherNonce(byte[] response) throws Exception {
        byte[] other = new byte[32];
        random.nextBytes(other);
        return finish(response, other);
    }

    byte[] finish(byte[] response, byte[] revealedNonce) throws Exception {
        Frame frame = Frame.parse(response);
        Selection.read(frame.body);
        noise.readMessage(frame.body.rest());
        byte[] other = revealedNonce;
        byte[] m3 = noise.writeMessage(new Payloads.Identified(device.certificate().encoded(), other, null,
                new byte[0], new byte[0]).encode());
        return Frame.start(Frame.Type.INITIATOR_FINISH).bytes(m3).toByteArray();
    }
}
