package im.sotto.protocol.session;

import java.util.EnumSet;

import im.sotto.protocol.handshake.HandshakeConfig;
import im.sotto.protocol.handshake.HandshakeMode;

/**
 * To whom this device reveals its certificate, account key and attached certification when another device opens an
 * online handshake with it (docs/protocol.md 4.2, docs/threat-model.md "Identity protection"). Whether the initiator
 * is a contact is the application's call (the XMPP binding counts a JID with a trust record or a roster item the
 * user made); every other peer is a stranger. Contacts always get the full XX handshake (one round before the first
 * message), so the policy only changes what strangers get.
 */
public enum RevealPolicy {
    /**
     * The default. Strangers get the responder-protected mode only and are never answered with this device's
     * identity: a stranger's opening yields an ephemeral key and a random nonce, and its handshake then ends
     * (refused by policy after message 3). A stranger can still write first through the published bundle (it
     * carries no identity key); our first reply then reveals us to someone who wrote to us.
     */
    CONTACTS,
    /**
     * Strangers get the responder-protected mode and see this device only after they authenticated themselves
     * (message 3): an anonymous probe learns nothing, a stranger willing to show its own account key learns ours.
     */
    AUTHENTICATED,
    /** Everyone gets XX: whoever sends a handshake opening learns this device's identity (what every responder did before this policy). */
    ANYONE;

    /** The responder's handshake policy for one initiator; {@code contact} says whether the initiator is one. */
    public HandshakeConfig.Builder configure(HandshakeConfig.Builder builder, boolean contact) {
        if (contact || this == ANYONE) {
            return builder;
        }
        // Only the protected mode: an XX or known-peer opening gets a counter-offer naming it, which reveals nothing.
        return builder.modes(EnumSet.of(HandshakeMode.RESPONDER_PROTECTED))
                .preferredResponderMode(HandshakeMode.RESPONDER_PROTECTED)
                .revealToInitiator(initiator -> this == AUTHENTICATED);
    }
}
