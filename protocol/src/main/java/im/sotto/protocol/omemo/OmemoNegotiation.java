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
        /** OMEMO 2: the contact never had Sotto and publishes OMEMO 2 devices (preferred over OMEMO 0.3). */
        OMEMO_2,
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

    /**
     * With both OMEMO versions: Sotto first, then OMEMO 2 where the contact offers it, then OMEMO 0.3, never
     * plaintext. Stickiness is Sotto's alone: both OMEMO versions give the same (weaker) guarantees, so a contact
     * that moves from OMEMO 2 to OMEMO 0.3 loses nothing Sotto promised.
     *
     * @param omemo2Devices the contact's OMEMO 2 devices now published
     * @param omemo03Devices the contact's OMEMO 0.3 devices now published
     */
    public static Choice choose(boolean seenWithSotto, int sottoDevices, int omemo2Devices, int omemo03Devices) {
        Choice choice = choose(seenWithSotto, sottoDevices, omemo2Devices + omemo03Devices);
        return choice == Choice.OMEMO && omemo2Devices > 0 ? Choice.OMEMO_2 : choice;
    }
}
