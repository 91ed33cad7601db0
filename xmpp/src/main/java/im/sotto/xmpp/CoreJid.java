package im.sotto.xmpp;

/**
 * The binding's edge to the core's JID type: the session layer ({@code im.sotto.protocol.session}) names peers by the
 * core's {@link im.sotto.protocol.trust.BareJid}, Smack by jxmpp's. Both print a bare JID as {@code local@domain},
 * the form every store key has always used, so converting changes no stored key.
 */
final class CoreJid {
    private CoreJid() {
    }

    /** {@code jid} as the core names it; throws {@link IllegalArgumentException} for a JID without a localpart. */
    static im.sotto.protocol.trust.BareJid of(org.jxmpp.jid.BareJid jid) {
        return im.sotto.protocol.trust.BareJid.parse(jid.toString());
    }
}
