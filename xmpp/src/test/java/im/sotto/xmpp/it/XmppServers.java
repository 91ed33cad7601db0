package im.sotto.xmpp.it;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;

/** Where the throwaway servers listen and the throwaway accounts on them, read from the start script's output. */
public final class XmppServers {
    /** One server's address and accounts. */
    public static final class Server {
        final ServerKind kind;
        final String host;
        final int port;
        final String domain;
        final String log;
        private final Properties properties;

        Server(ServerKind kind, Properties properties) {
            this.kind = kind;
            String prefix = kind.name() + "_";
            this.host = require(properties, prefix + "HOST");
            this.port = Integer.parseInt(require(properties, prefix + "PORT"));
            this.domain = require(properties, prefix + "DOMAIN");
            this.log = require(properties, prefix + "LOG");
            this.properties = properties;
        }

        public String domain() {
            return domain;
        }

        /** A connection (not yet connected) for {@code user} with the given resource; plaintext on loopback. */
        public XMPPTCPConnection connection(String user, String resource) {
            return connectionVia(user, resource, port);
        }

        /** The server's data directory (Prosody's data path, ejabberd's spool), where offline messages are kept. */
        public java.nio.file.Path dataDirectory() {
            java.nio.file.Path logFile = java.nio.file.Paths.get(log);
            return kind == ServerKind.PROSODY ? logFile.getParent().resolve("data")
                    : logFile.getParent().getParent().resolve("spool");
        }

        /** The throwaway password of {@code user} (for a child process that logs in on its own). */
        public String password(String user) {
            return require(properties, kind.name() + "_PASSWORD_" + user.toUpperCase(Locale.ROOT));
        }

        /** Like {@link #connection} but through {@code viaPort} on loopback (a recording relay to the server). */
        public XMPPTCPConnection connectionVia(String user, String resource, int viaPort) {
            return connectionAs(user, password(user), resource, viaPort);
        }

        /** A connection for an account registered by the test itself (see {@code SoakIT}), through {@code viaPort}. */
        public XMPPTCPConnection connectionAs(String user, String password, String resource, int viaPort) {
            try {
                XMPPTCPConnectionConfiguration config = XMPPTCPConnectionConfiguration.builder()
                        .setXmppDomain(domain)
                        .setHostAddress(InetAddress.getByName(host))
                        .setPort(viaPort)
                        .setSecurityMode(ConnectionConfiguration.SecurityMode.disabled)
                        .setUsernameAndPassword(user, password)
                        .setResource(resource)
                        .setSendPresence(true)
                        .build();
                XMPPTCPConnection connection = new XMPPTCPConnection(config);
                connection.setReplyTimeout(10_000);
                return connection;
            } catch (UnknownHostException | org.jxmpp.stringprep.XmppStringprepException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String toString() {
            return kind + " " + domain + " on " + host + ":" + port + " (log " + log + ")";
        }
    }

    private final Map<ServerKind, Server> servers = new EnumMap<>(ServerKind.class);

    private XmppServers() {
    }

    static XmppServers from(Properties properties) {
        XmppServers servers = new XmppServers();
        for (ServerKind kind : ServerKind.values()) {
            servers.servers.put(kind, new Server(kind, properties));
        }
        return servers;
    }

    public Server get(ServerKind kind) {
        return servers.get(kind);
    }

    private static String require(Properties properties, String key) {
        String value = properties.getProperty(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException("servers.properties lacks " + key);
        }
        return value;
    }
}
