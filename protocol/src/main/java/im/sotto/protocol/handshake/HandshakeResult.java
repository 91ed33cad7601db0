package im.sotto.protocol.handshake;

import im.sotto.protocol.identity.DeviceCertificate;
import im.sotto.protocol.trust.Continuity;
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
    private final Continuity continuity;
    private final RetainedSecrets retainedSecrets;
    private final AttachedCertification peerCertification;

    HandshakeResult(Selection selection, DeviceCertificate peerCertificate, ShortAuthenticationString sas,
            byte[] channelBinding, byte[] applicationData, byte[] unsentApplicationData, SessionSeed seed,
            Continuity continuity, RetainedSecrets retainedSecrets, AttachedCertification peerCertification) {
        this.selection = selection;
        this.peerCertificate = peerCertificate;
        this.sas = sas;
        this.channelBinding = channelBinding.clone();
        this.applicationData = applicationData.clone();
        this.unsentApplicationData = unsentApplicationData.clone();
        this.seed = seed;
        this.continuity = continuity;
        this.retainedSecrets = retainedSecrets;
        this.peerCertification = peerCertification;
    }

    /**
     * The X.509 or OpenPGP certification the peer attached to its identified payload, unchecked: the caller verifies
     * it against the user's anchors or keyring for the peer's account key and JID (docs/protocol.md 4.13).
     */
    public Optional<AttachedCertification> peerCertification() {
        return Optional.ofNullable(peerCertification);
    }

    /** What the retained-secret check found: continuity with this device, a new device or peer, or a break. */
    public Continuity continuity() {
        return continuity;
    }

    /**
     * The retained secrets to store for this peer device in place of the old ones, in the same transaction as the
     * new session, and <em>before</em> sending the step's last message: its receiver takes that message as proof
     * that the new secret is stored (docs/protocol.md 4.11). After {@link Continuity#BROKEN} the caller keeps the
     * old ones; otherwise whoever broke the continuity would become it.
     */
    public RetainedSecrets retainedSecretsToKeep() {
        return retainedSecrets;
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
                + ", " + continuity + "]";
    }
}
