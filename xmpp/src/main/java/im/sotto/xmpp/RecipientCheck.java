package im.sotto.xmpp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.MessageTypeFilter;
import org.jivesoftware.smack.filter.OrFilter;
import org.jivesoftware.smack.filter.StanzaFilter;
import org.jivesoftware.smack.filter.StanzaIdFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jxmpp.jid.EntityBareJid;

/**
 * Whether a recipient exists at all, asked before a first contact is reported as "no Sotto device" (issue #18). Servers
 * hide whether an account exists from every query a stranger can make (disco, PEP, vCard all answer the same for a
 * missing and an unsubscribed account, as both Prosody and ejabberd do), so this asks the way every client learns
 * it: a message without content, and the bounce the recipient's server sends for it. Two probes, because servers
 * differ: ejabberd bounces a headline for a missing account and drops it for an existing one; Prosody drops every
 * headline but bounces a chat message for a missing account (and stores it, empty, for an existing offline one). A
 * service discovery query to the recipient's server comes after them on the same stream, so any bounce is in when it
 * answers, and its server identity names the software. Neither probe has a body: an existing recipient's client
 * shows nothing (a chat state). Anything else is {@link Outcome#UNKNOWN}: never a guess.
 */
public final class RecipientCheck {
    /** What the recipient's server said. */
    public enum Outcome {
        /** Its server bounced a message for it as {@code service-unavailable}: no such account (or it refuses us). */
        NO_SUCH_USER,
        /** Its server cannot be found or reached ({@code remote-server-not-found}, {@code remote-server-timeout}). */
        SERVER_NOT_FOUND,
        /** Nothing conclusive: the account may well exist. */
        UNKNOWN
    }

    private static final String CHAT_STATES = "http://jabber.org/protocol/chatstates";
    private static final String HINTS = "urn:xmpp:hints";

    private RecipientCheck() {
    }

    /** Asks {@code recipient}'s server; waits at most {@code timeout} for its answer. */
    public static Outcome check(XMPPConnection connection, EntityBareJid recipient, Duration timeout)
            throws InterruptedException {
        Objects.requireNonNull(recipient, "recipient");
        String prefix = "sotto-probe-" + UUID.randomUUID().toString().substring(0, 8);
        Message headline = probe(prefix + "-h", recipient, Message.Type.headline);
        Message chat = probe(prefix + "-c", recipient, Message.Type.chat);
        StanzaFilter bounces = new AndFilter(MessageTypeFilter.ERROR,
                new OrFilter(new StanzaIdFilter(headline.getStanzaId()), new StanzaIdFilter(chat.getStanzaId())));
        StanzaCollector collector = connection.createStanzaCollector(bounces);
        try {
            connection.sendStanza(headline);
            connection.sendStanza(chat);
            // Sent directly, not through ServiceDiscoveryManager: a cached answer would not wait for the bounces.
            DiscoverInfo query = DiscoverInfo.builder(connection).to(recipient.asDomainBareJid()).ofType(IQ.Type.get)
                    .build();
            Optional<String> software = Optional.empty();
            StanzaError.Condition serverError = null;
            try {
                IQ answer = connection.createStanzaCollectorAndSend(query).nextResultOrThrow(timeout.toMillis());
                if (answer instanceof DiscoverInfo info) {
                    software = info.getIdentities().stream().filter(i -> "server".equals(i.getCategory()))
                            .map(DiscoverInfo.Identity::getName).filter(Objects::nonNull).findFirst();
                }
            } catch (XMPPException.XMPPErrorException e) {
                serverError = e.getStanzaError().getCondition();
            } catch (SmackException.NoResponseException e) {
                return Outcome.UNKNOWN;
            }
            List<Stanza> bounced = new ArrayList<>();
            for (Stanza s = collector.pollResult(); s != null; s = collector.pollResult()) {
                bounced.add(s);
            }
            return decide(serverError, condition(bounced, headline), condition(bounced, chat), software);
        } catch (SmackException.NotConnectedException e) {
            return Outcome.UNKNOWN;
        } finally {
            collector.cancel();
        }
    }

    /**
     * The decision from what came back: the server query's error (null if it answered), the bounce of each probe
     * (null if none) and the server software it named.
     */
    static Outcome decide(StanzaError.Condition serverError, StanzaError.Condition headlineBounce,
            StanzaError.Condition chatBounce, Optional<String> software) {
        for (StanzaError.Condition c : new StanzaError.Condition[] {serverError, headlineBounce, chatBounce}) {
            if (c == StanzaError.Condition.remote_server_not_found
                    || c == StanzaError.Condition.remote_server_timeout) {
                return Outcome.SERVER_NOT_FOUND;
            }
        }
        if (headlineBounce == StanzaError.Condition.service_unavailable) {
            return Outcome.NO_SUCH_USER;
        }
        // Only Prosody bounces an empty chat message for a missing account alone; ejabberd bounces it for any
        // offline one (it keeps no empty messages).
        boolean prosody = software.map(s -> s.toLowerCase(Locale.ROOT).contains("prosody")).orElse(false);
        if (prosody && chatBounce == StanzaError.Condition.service_unavailable) {
            return Outcome.NO_SUCH_USER;
        }
        return Outcome.UNKNOWN;
    }

    private static StanzaError.Condition condition(List<Stanza> bounced, Message probe) {
        return bounced.stream().filter(s -> probe.getStanzaId().equals(s.getStanzaId()) && s.getError() != null)
                .map(s -> s.getError().getCondition()).findFirst().orElse(null);
    }

    private static Message probe(String id, EntityBareJid to, Message.Type type) {
        return StanzaBuilder.buildMessage(id).to(to).ofType(type)
                .addExtension(StandardExtensionElement.builder("active", CHAT_STATES).build())
                .addExtension(StandardExtensionElement.builder("no-store", HINTS).build())
                .addExtension(StandardExtensionElement.builder("no-permanent-store", HINTS).build())
                .build();
    }
}
