package im.sotto.xmpp.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import im.sotto.xmpp.ForgedKeys;
import im.sotto.xmpp.SottoAccount;
import im.sotto.xmpp.element.SottoEncrypted;
import im.sotto.xmpp.it.RelayedStanza.Direction;
import im.sotto.xmpp.pep.PepNodes;

import org.jxmpp.jid.BareJid;

/**
 * Key substitution by the server: it answers {@code victim}'s requests for {@code owner}'s Sotto device list and
 * bundles itself, with the attacker's device and the attacker's bundle (signed by the attacker's account key); the
 * requests never reach the real PEP service.
 */
final class BundleSubstitution implements StanzaRule {
    private static final Pattern DEVICE_LIST_REQUEST = Pattern.compile("<items node=['\"]"
            + Pattern.quote(PepNodes.DEVICE_LIST) + "['\"]");
    private static final Pattern BUNDLE_REQUEST = Pattern.compile("<items node=['\"]"
            + Pattern.quote(PepNodes.BUNDLE_PREFIX) + "\\d+['\"]");

    private final HostileRelay relay;
    private final SottoParty victim;
    private final BareJid owner;
    private final long attackerDevice;
    private final String attackerBundle;
    final AtomicInteger bundlesServed = new AtomicInteger();

    BundleSubstitution(HostileRelay relay, SottoParty victim, BareJid owner, SottoAccount attacker) {
        this.relay = relay;
        this.victim = victim;
        this.owner = owner;
        this.attackerDevice = attacker.device().deviceId();
        this.attackerBundle = Base64.getEncoder().encodeToString(ForgedKeys.bundleOf(attacker));
    }

    @Override
    public List<String> apply(RelayedStanza stanza) {
        if (!stanza.toServer() || !stanza.name().equals("iq") || !owner.toString().equals(stanza.attribute("to"))
                || !victim.connection.getUser().toString().equals(stanza.link().jid())) {
            return List.of(stanza.xml());
        }
        String items;
        if (DEVICE_LIST_REQUEST.matcher(stanza.xml()).find()) {
            items = "<items node='" + PepNodes.DEVICE_LIST + "'><item id='" + PepNodes.ITEM_ID + "'><devices xmlns='"
                    + SottoEncrypted.NAMESPACE + "'><device id='" + attackerDevice + "'/></devices></item></items>";
        } else if (BUNDLE_REQUEST.matcher(stanza.xml()).find()) {
            bundlesServed.incrementAndGet();
            items = "<items node='" + PepNodes.BUNDLE_PREFIX + attackerDevice + "'><item id='" + PepNodes.ITEM_ID
                    + "'><bundle xmlns='" + SottoEncrypted.NAMESPACE + "'>" + attackerBundle + "</bundle></item></items>";
        } else {
            return List.of(stanza.xml());
        }
        String answer = "<iq type='result' id='" + stanza.attribute("id") + "' from='" + owner + "' to='"
                + stanza.link().jid() + "'><pubsub xmlns='http://jabber.org/protocol/pubsub'>" + items + "</pubsub></iq>";
        try {
            relay.inject(stanza.link(), Direction.TO_CLIENT, answer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.of();
    }
}
