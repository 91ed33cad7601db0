package im.sotto.protocol.pake;

import im.sotto.protocol.crypto.SecretBytes;

/**
 * What a finished CPace run yields. The ISK authenticates nobody by itself: the two sides hold the same ISK only if
 * they used the same password, channel identifier, sid and associated data, which a later key confirmation checks.
 */
public final class CPaceResult {
    private final SecretBytes isk;
    private final byte[] peerAssociatedData;
    private final byte[] sidOutput;

    CPaceResult(SecretBytes isk, byte[] peerAssociatedData, byte[] sidOutput) {
        this.isk = isk;
        this.peerAssociatedData = peerAssociatedData;
        this.sidOutput = sidOutput;
    }

    /** The intermediate session key, 64 bytes (SHA-512); feed it to a KDF, never use it directly as a key. */
    public SecretBytes isk() {
        return isk;
    }

    /** The associated data the peer sent in clear; the ISK covers it, so it is authentic once the key is confirmed. */
    public byte[] peerAssociatedData() {
        return peerAssociatedData.clone();
    }

    /** The draft's public session identifier output, SHA-512(b"CPaceSidOutput" || transcript), 64 bytes. */
    public byte[] sidOutput() {
        return sidOutput.clone();
    }

    @Override
    public String toString() {
        return "CPaceResult[isk redacted, peer associated data " + peerAssociatedData.length + " bytes]";
    }
}
