package im.sotto.xmpp.envelope;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.Stanza;

/** The three stanza kinds Sotto carries, with the element name that opens each. */
public enum StanzaKind {
    MESSAGE("message"),
    PRESENCE("presence"),
    IQ("iq");

    private final String element;

    StanzaKind(String element) {
        this.element = element;
    }

    public String element() {
        return element;
    }

    public static StanzaKind of(Stanza stanza) throws EnvelopeException {
        if (stanza instanceof Message) {
            return MESSAGE;
        }
        if (stanza instanceof Presence) {
            return PRESENCE;
        }
        if (stanza instanceof IQ) {
            return IQ;
        }
        throw new EnvelopeException(EnvelopeException.Kind.UNSUPPORTED_STANZA,
                "not a message, presence or iq: " + stanza.getClass().getName());
    }
}
