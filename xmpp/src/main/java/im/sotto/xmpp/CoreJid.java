package im.sotto.xmpp;

/**
 * The binding's edge to the core's JID type: the session layer ({@code im.sotto.protocol.session}) names peers by the
 * core's {@link im.sotto.protocol.trust.BareJid}, Smack by jxmpp's. The stores key a peer by its text, and the
 * binding still keys sessions by jxmpp's; the two must agree, or a contact's trust record would be looked up under
 * another key than its sessions (a pin silently lost). They agree for every JID a server delivers (servers apply
 * PRECIS, which includes NFC); jxmpp's default preparation only lower-cases, so a JID typed in a decomposed Unicode
 * form is refused here, loudly, instead of being keyed two ways.
 */
final class CoreJid {
    private CoreJid() {
    }

    /**
     * {@code jid} as the core names it, with the same text; throws {@link IllegalArgumentException} for a JID without
     * a localpart or one whose text the core's normalisation (NFC, lower case) would change.
     */
    static im.sotto.protocol.trust.BareJid of(org.jxmpp.jid.BareJid jid) {
        im.sotto.protocol.trust.BareJid core = im.sotto.protocol.trust.BareJid.parse(jid.toString());
        if (!core.toString().equals(jid.toString())) {
            throw new IllegalArgumentException("the JID " + jid + " is not in normalised form (" + core + ")");
        }
        return core;
    }
}
