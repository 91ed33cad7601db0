package im.sotto.cli;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import im.sotto.xmpp.link.LinkChannel;

import org.jivesoftware.smack.StanzaListener;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.packet.Presence;
import org.jxmpp.jid.EntityFullJid;

/**
 * What a running listen or chat knows of a new device of its account waiting to be linked, for
 * {@code sotto devices approve} handed to it. A standalone approve logs in and announces itself with priority -1,
 * and the server answers with the presences of the account's other resources, the waiting device's among them; the
 * listen cannot do that (its own presence would drop to -1 and the server would route the account's messages past
 * it), so it watches from its start: the server sends it the waiting device's presence when either of them comes
 * online. The newest waiting resource is kept, and forgotten when it goes offline.
 */
final class LinkWatch implements AutoCloseable {
    private final XMPPConnection connection;
    private final LinkChannel channel;
    private final AtomicReference<EntityFullJid> newest = new AtomicReference<>();
    private final StanzaListener gone;

    private LinkWatch(XMPPConnection connection) {
        this.connection = connection;
        this.channel = LinkChannel.open(connection, message -> { }, newest::set);
        org.jxmpp.jid.BareJid account = connection.getUser().asBareJid();
        this.gone = stanza -> {
            if (stanza.getFrom() != null && stanza.getFrom().isEntityFullJid()) {
                newest.compareAndSet(stanza.getFrom().asEntityFullJidIfPossible(), null);
            }
        };
        connection.addAsyncStanzaListener(gone, stanza -> stanza instanceof Presence p
                && p.getType() == Presence.Type.unavailable && p.getFrom() != null
                && p.getFrom().asBareJid().equals(account));
    }

    /** Starts watching on a logged-in connection. */
    static LinkWatch start(XMPPConnection connection) {
        return new LinkWatch(connection);
    }

    /** The newest resource of the account that said it waits to be linked and has not gone offline since. */
    Optional<EntityFullJid> waiting() {
        return Optional.ofNullable(newest.get());
    }

    @Override
    public void close() {
        channel.close();
        connection.removeAsyncStanzaListener(gone);
    }
}
