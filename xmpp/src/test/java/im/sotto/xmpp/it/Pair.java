package im.sotto.xmpp.it;

import java.util.UUID;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;

/** Alice and Bob logged in on one server, with fresh resources so tests never collide. */
final class Pair implements AutoCloseable {
    final XmppServers.Server server;
    final XMPPTCPConnection alice;
    XMPPTCPConnection bob;
    final String bobResource;

    Pair(XmppServers.Server server) throws Exception {
        this.server = server;
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        this.alice = login(server.connection("alice", "a-" + suffix));
        this.bobResource = "b-" + suffix;
        this.bob = login(server.connection("bob", bobResource));
    }

    static XMPPTCPConnection login(XMPPTCPConnection connection) throws Exception {
        connection.connect();
        connection.login();
        return connection;
    }

    @Override
    public void close() {
        alice.disconnect();
        if (bob != null) {
            bob.disconnect();
        }
    }
}
