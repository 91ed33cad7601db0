package im.sotto.protocol.offline;

import im.sotto.protocol.identity.DeviceCertificate;
import java.util.Optional;

/**
 * What a sender knows about the recipient device before its first message: nothing (first contact: the session is
 * unauthenticated until the recipient's reply proves its certified identity), or a certificate pinned from an
 * earlier session (the bundle's signature is checked and the recipient's device key is mixed in).
 */
public final class RecipientKnowledge {
    private final DeviceCertificate pinned;

    private RecipientKnowledge(DeviceCertificate pinned) {
        this.pinned = pinned;
    }

    public static RecipientKnowledge unknown() {
        return new RecipientKnowledge(null);
    }

    public static RecipientKnowledge pinned(DeviceCertificate certificate) {
        return new RecipientKnowledge(certificate);
    }

    public Optional<DeviceCertificate> certificate() {
        return Optional.ofNullable(pinned);
    }
}
