package im.sotto.protocol.omemo;

/**
 * Which protocol carries a message to a contact (docs/protocol.md §10, negotiation and stickiness): Sotto whenever
 * the contact has a Sotto device; OMEMO only when it has none and has OMEMO devices; never plaintext. A contact once
 * seen with Sotto is never moved to OMEMO silently: its Sotto devices disappearing looks exactly like a relay
 * stripping Sotto's elements, so the message is held and the user told ({@link Choice#REFUSED_DOWNGRADE}).
 */
public final class OmemoNegotiation {
    private OmemoNegotiation() {}

    public enum Choice {
        /** Sotto's own protocol (the stanza may also carry an OMEMO element for the contact's OMEMO-only devices). */
        SOTTO,
        /** OMEMO 0.3 only: the contact never had Sotto and publishes OMEMO devices. */
        OMEMO,
        /** A contact seen with Sotto now offers only OMEMO: held and reported, not sent. */
        REFUSED_DOWNGRADE,
        /** No end-to-end protocol is available for the contact: held and reported, never sent in plaintext. */
        NONE
    }

    /**
     * @param seenWithSotto whether this account ever pinned the contact's Sotto account key
     * @param sottoDevices the contact's Sotto devices now published
     * @param omemoDevices the contact's OMEMO devices now published that may be sent to
     */
    public static Choice choose(boolean seenWithSotto, int sottoDevices, int omemoDevices) {
        if (sottoDevices > 0) {
            return Choice.SOTTO;
        }
        if (seenWithSotto) {
            return omemoDevices > 0 ? Choice.REFUSED_DOWNGRADE : Choice.SOTTO;
        }
        return omemoDevices > 0 ? Choice.OMEMO : Choice.NONE;
    }
}
