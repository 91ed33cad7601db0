package im.sotto.xmpp.it;

import java.util.List;
import java.util.regex.Pattern;

import im.sotto.xmpp.SottoTransportManager;
import im.sotto.xmpp.element.SottoEncrypted;

/**
 * What a server does to make a Sotto user look like one without Sotto, on the way to one client: it removes the
 * Sotto feature from disco#info results and entity caps from presences, and answers every request for Sotto's PEP
 * nodes (device list, bundles) with item-not-found.
 */
final class StrippingRules {
    private static final Pattern SOTTO_FEATURE = Pattern.compile("<feature var=['\"]"
            + Pattern.quote(SottoTransportManager.FEATURE) + "['\"]\\s*/>");
    private static final Pattern CAPS = Pattern.compile("<c xmlns=['\"]http://jabber.org/protocol/caps['\"][^>]*/>");
    private static final Pattern SOTTO_NODE = Pattern.compile("node=['\"]" + Pattern.quote(SottoEncrypted.NAMESPACE)
            + "/(devices|bundles:)");

    private StrippingRules() {
    }

    /** Strips Sotto from everything {@code victim}'s connection receives; everything else passes. */
    static StanzaRule hideSottoFrom(SottoParty victim) {
        return stanza -> {
            String jid = victim.connection.getUser().toString();
            if (!stanza.toClient() || !jid.equals(stanza.link().jid())) {
                return List.of(stanza.xml());
            }
            String xml = stanza.xml();
            if (stanza.name().equals("iq") && "result".equals(stanza.attribute("type"))
                    && SOTTO_NODE.matcher(xml).find()) {
                return List.of(itemNotFound(stanza));
            }
            return List.of(CAPS.matcher(SOTTO_FEATURE.matcher(xml).replaceAll("")).replaceAll(""));
        };
    }

    private static String itemNotFound(RelayedStanza result) {
        return "<iq type='error' id='" + result.attribute("id") + "' from='" + result.attribute("from") + "' to='"
                + result.attribute("to") + "'><error type='cancel'><item-not-found"
                + " xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>";
    }
}
