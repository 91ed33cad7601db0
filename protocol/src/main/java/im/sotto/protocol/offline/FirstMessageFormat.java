package im.sotto.protocol.offline;

import im.sotto.protocol.crypto.AeadAlgorithm;
import im.sotto.protocol.crypto.CipherSuite;
import im.sotto.protocol.crypto.Hkdf;
import im.sotto.protocol.crypto.SecretBytes;
import im.sotto.protocol.noise.SymmetricState;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The constants and shared steps of an offline first message (docs/protocol.md, "Offline first message"): the
 * transcript is a Noise SymmetricState, so every mix is a vector-tested Noise operation.
 */
final class FirstMessageFormat {
    static final int VERSION = 1;
    static final int TYPE_FIRST_MESSAGE = 0x20;
    static final int TYPE_FIRST_REPLY = 0x21;
    /** u32 one-time prekey id and u8 flags, encrypted. */
    static final int PREKEY_HEADER_LENGTH = 5;
    static final int ENCRYPTED_PREKEY_HEADER_LENGTH = PREKEY_HEADER_LENGTH + AeadAlgorithm.TAG_LENGTH;
    static final int FLAG_RECIPIENT_DEVICE_KEY = 1;
    static final int MAX_CERTIFICATE_CIPHERTEXT = 1024 + AeadAlgorithm.TAG_LENGTH;
    static final byte[] SEED_LABEL = "Sotto v1 first message seed".getBytes(StandardCharsets.US_ASCII);
    static final byte[] REPLAY_LABEL = "Sotto v1 first message replay".getBytes(StandardCharsets.US_ASCII);
    static final byte[] CONFIRMATION_LABEL = "Sotto v1 offline confirmation".getBytes(StandardCharsets.US_ASCII);

    private FirstMessageFormat() {}

    static String protocolName(CipherSuite suite) {
        return "Sotto_v1_FirstMessage_" + suite.noiseSuffix();
    }

    static SymmetricState start(CipherSuite suite, byte[] ephemeralPublic) {
        SymmetricState s = new SymmetricState(suite, protocolName(suite));
        s.mixHash(new byte[] {VERSION, (byte) TYPE_FIRST_MESSAGE, (byte) suite.wireId()});
        s.mixHash(ephemeralPublic);
        return s;
    }

    /** Root key, HKa, NHKb: the same split as the online handshake's seed. */
    static SecretBytes[] seed(SymmetricState s) {
        SecretBytes all = s.exportSecret(SEED_LABEL, 96);
        byte[] b = all.reveal();
        all.wipe();
        try {
            return new SecretBytes[] {SecretBytes.copyOf(Arrays.copyOfRange(b, 0, 32)),
                SecretBytes.copyOf(Arrays.copyOfRange(b, 32, 64)), SecretBytes.copyOf(Arrays.copyOfRange(b, 64, 96))};
        } finally {
            Arrays.fill(b, (byte) 0);
        }
    }

    /** The embedded ratchet message binds the whole first-message transcript before the caller's data. */
    static byte[] ratchetAssociatedData(byte[] transcriptHash, byte[] associatedData) {
        byte[] out = Arrays.copyOf(transcriptHash, transcriptHash.length + associatedData.length);
        System.arraycopy(associatedData, 0, out, transcriptHash.length, associatedData.length);
        return out;
    }

    static byte[] replayKey(CipherSuite suite, byte[] ephemeralPublic) {
        return suite.hash().digest(REPLAY_LABEL, ephemeralPublic);
    }

    /** The MAC by which a recipient proves it holds the device key its certificate names, bound to this session. */
    static byte[] confirmationMac(CipherSuite suite, SecretBytes staticStatic, byte[] transcriptHash) {
        SecretBytes key = Hkdf.derive(suite.hash(), transcriptHash, staticStatic, CONFIRMATION_LABEL, 32);
        try {
            return suite.hash().hmac(key, CONFIRMATION_LABEL, transcriptHash);
        } finally {
            key.wipe();
        }
    }
}
