package im.sotto.protocol.handshake;

import im.sotto.protocol.identity.DeviceCertificate;
import java.util.Optional;

/** The facts of an established session: what was negotiated, who the peer is, the SAS, and the ratchet seed. */
public final class HandshakeResult {
    private final Selection selection;
    private final DeviceCertificate peerCertificate;
    private final ShortAuthenticationString sas;
    private final byte[] channelBinding;
    private final byte[] applicationData;
    private final byte[] unsentApplicationData;
    private final SessionSeed seed;

    HandshakeResult(Selection selection, DeviceCertificate peerCertificate, ShortAuthenticationString sas,
            byte[] channelBinding, byte[] applicationData, byte[] unsentApplicationData, SessionSeed seed) {
        this.selection = selection;
        this.peerCertificate = peerCertificate;
        this.sas = sas;
        this.channelBinding = channelBinding.clone();
        this.applicationData = applicationData.clone();
        this.unsentApplicationData = unsentApplicationData.clone();
        this.seed = seed;
    }

    public Selection selection() {
        return selection;
    }

    /** The peer device's certificate, checked: signed by its account key, valid now, naming the handshake key. */
    public DeviceCertificate peerCertificate() {
        return peerCertificate;
    }

    /**
     * The SAS of this session. Empty for the known-peer mode, which authenticates a device pinned earlier; users
     * verify on a full handshake.
     */
    public Optional<ShortAuthenticationString> sas() {
        return Optional.ofNullable(sas);
    }

    /** The final Noise handshake hash: unique to this session, equal on both sides. */
    public byte[] channelBinding() {
        return channelBinding.clone();
    }

    /** Application data the peer put in its last handshake message (empty if none). */
    public byte[] applicationData() {
        return applicationData.clone();
    }

    /**
     * Data this side asked to send during the handshake that the negotiated mode could not carry safely (the
     * initiator's, in the responder-protecting and known-peer modes). The caller sends it as the first ratchet
     * message; it is never dropped.
     */
    public byte[] unsentApplicationData() {
        return unsentApplicationData.clone();
    }

    public SessionSeed seed() {
        return seed;
    }

    @Override
    public String toString() {
        return "HandshakeResult[" + selection + ", peer " + peerCertificate + ", sas " + (sas == null ? "none" : sas)
                + "]";
    }
}
