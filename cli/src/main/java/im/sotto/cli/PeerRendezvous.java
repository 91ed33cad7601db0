package im.sotto.cli;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import im.sotto.xmpp.element.SottoEncrypted;

import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.StanzaListener;
import org.jivesoftware.smack.filter.StanzaFilter;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;

/**
 * Two people who run a Sotto command for each other at the same time (verify, chat) find each other and make an
 * online session, so both see the same SAS. Naming the peer makes it a contact: each side first adds it to its roster
 * (no subscription asked), so the reveal policy answers its handshake with XX. Then each side sends a plain directed
 * presence (availability only, no content) to the other's account and answers the first one it gets from each new
 * resource; then the side whose full JID sorts first sends an encrypted presence, which runs the online handshake.
 */
final class PeerRendezvous implements AutoCloseable {
    private final Online online;
    private final EntityBareJid peer;
    private final String status;
    private final CompletableFuture<Jid> firstResource = new CompletableFuture<>();
    private final Set<Jid> answered = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean encryptedSent = new AtomicBoolean();
    private final StanzaListener listener = stanza -> met(stanza.getFrom());

    private PeerRendezvous(Online online, EntityBareJid peer, String status) {
        this.online = online;
        this.peer = peer;
        this.status = status;
    }

    /** Starts looking for {@code peer}; {@code status} is the text of the encrypted presence that starts a session. */
    static PeerRendezvous start(Online online, EntityBareJid peer, String status) {
        PeerRendezvous rendezvous = new PeerRendezvous(online, peer, status);
        StanzaFilter plainPresenceFromPeer = stanza -> stanza instanceof Presence p
                && p.getType() == Presence.Type.available && p.getFrom() != null
                && p.getFrom().isEntityFullJid() && p.getFrom().asBareJid().equals(peer)
                && !p.hasExtension(SottoEncrypted.ELEMENT, SottoEncrypted.NAMESPACE);
        online.connection.addAsyncStanzaListener(rendezvous.listener, plainPresenceFromPeer);
        // Before the peer can learn we are here: its handshake must find it a contact (the reveal policy), or it
        // would get the responder-protected mode and no SAS.
        online.addContact(peer);
        rendezvous.sendPlain(peer);
        return rendezvous;
    }

    /** After a reconnection: tells the peer again that we are here (its chat may have restarted meanwhile). */
    void announce() {
        sendPlain(peer);
    }

    /** Completes with the first resource of the peer that showed up. */
    CompletableFuture<Jid> peerResource() {
        return firstResource;
    }

    /**
     * The peer sent us something encrypted: answer once with an encrypted presence, so a session it began offline
     * gets its first reply and both sides hold the session.
     */
    void answer(Jid from) {
        if (encryptedSent.compareAndSet(false, true)) {
            online.manager.send(StanzaBuilder.buildPresence().to(from).setStatus(status).build())
                    .whenComplete((sent, failure) -> {
                        if (failure != null) {
                            // No session came of it (the binding reported why): the peer's next resource tries again.
                            encryptedSent.set(false);
                            answered.remove(from);
                        }
                    });
        }
    }

    private void met(Jid resource) {
        if (!answered.add(resource)) {
            return;
        }
        sendPlain(resource);
        if (online.connection.getUser().toString().compareTo(resource.toString()) < 0) {
            answer(resource);
        }
        firstResource.complete(resource);
    }

    private void sendPlain(Jid to) {
        try {
            online.connection.sendStanza(StanzaBuilder.buildPresence().to(to).build());
        } catch (SmackException.NotConnectedException e) {
            firstResource.completeExceptionally(new CliException(ExitCode.CONNECTION, "the connection closed", e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        online.connection.removeAsyncStanzaListener(listener);
    }
}
