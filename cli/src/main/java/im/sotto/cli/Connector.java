package im.sotto.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Optional;

import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.stringprep.XmppStringprepException;

/**
 * Builds and opens the XMPP connection of a command. TLS is required unless {@code --insecure-loopback} is given,
 * which allows plaintext only to a server on a loopback address; {@code --server-cert} trusts one self-signed
 * certificate while keeping TLS on.
 */
public final class Connector {
    /** How the command reaches the server. */
    public record Transport(Optional<ServerAddress> server, Optional<Path> serverCert, boolean insecureLoopback) {
        public Transport {
            if (insecureLoopback) {
                if (server.isEmpty()) {
                    throw new CliException(ExitCode.USAGE, "--insecure-loopback needs --server 127.0.0.1:PORT: "
                            + "plaintext is allowed to a server on this machine only");
                }
                if (!server.get().resolve().isLoopbackAddress()) {
                    throw new CliException(ExitCode.USAGE, "--insecure-loopback refused: " + server.get()
                            + " is not a loopback address; plaintext XMPP is allowed to 127.0.0.1 only (use TLS, "
                            + "with --server-cert for a self-signed server)");
                }
            }
        }

        public String describe() {
            return server.map(ServerAddress::toString).orElse("the server found by DNS")
                    + (insecureLoopback ? " (plaintext on loopback)" : " (TLS)");
        }
    }

    private Connector() {
    }

    /** A connection (not yet connected) for {@code jid}; the password is copied into Smack's configuration. */
    public static XMPPTCPConnection connection(EntityBareJid jid, char[] password, String resource,
            Transport transport) {
        return connection(jid, password, resource, transport, true);
    }

    /**
     * As above; without {@code presence} the login sends no initial presence, so the server delivers no offline
     * message to it (they wait for a command that decrypts them) and no presence: for roster changes only.
     */
    public static XMPPTCPConnection connection(EntityBareJid jid, char[] password, String resource,
            Transport transport, boolean presence) {
        SmackStartup.trim();
        try {
            XMPPTCPConnectionConfiguration.Builder config = XMPPTCPConnectionConfiguration.builder()
                    .setXmppDomain(jid.asDomainBareJid())
                    .setUsernameAndPassword(jid.getLocalpart().toString(), new String(password))
                    .setResource(resource)
                    .setSendPresence(presence)
                    .setConnectTimeout(10_000);
            if (transport.server().isPresent()) {
                InetAddress address = transport.server().get().resolve();
                config.setHostAddress(address).setPort(transport.server().get().port());
            }
            if (transport.insecureLoopback()) {
                config.setSecurityMode(ConnectionConfiguration.SecurityMode.disabled);
            } else {
                config.setSecurityMode(ConnectionConfiguration.SecurityMode.required);
                if (transport.serverCert().isPresent()) {
                    config.setCustomX509TrustManager(trusting(transport.serverCert().get()));
                }
            }
            XMPPTCPConnection connection = new XMPPTCPConnection(config.build());
            SmackExit.connectionMade();
            connection.setReplyTimeout(15_000);
            // Stream management stays (acknowledgements tell Sotto what the server has), resumption does not: a
            // command's stream cannot be resumed once its process has exited, and a server told it may be would
            // keep a dead session hibernating for minutes, catching the messages meant for offline storage and the
            // next login (Prosody's default is 10 minutes). Without it a dropped stream ends the session at once.
            connection.setUseStreamManagementResumption(false);
            return connection;
        } catch (XmppStringprepException e) {
            throw new CliException(ExitCode.USAGE, "invalid resource " + resource + ": " + e.getMessage());
        }
    }

    private static X509TrustManager trusting(Path certificateFile) {
        try (InputStream in = Files.newInputStream(certificateFile)) {
            Certificate certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
            KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
            keys.load(null, null);
            keys.setCertificateEntry("server", certificate);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(keys);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new GeneralSecurityException("no X.509 trust manager");
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCode.USAGE, "--server-cert " + certificateFile + ": no such file");
        } catch (IOException | GeneralSecurityException e) {
            throw new CliException(ExitCode.USAGE, "--server-cert " + certificateFile + " is not a readable X.509 "
                    + "certificate (PEM or DER): " + e.getMessage());
        }
    }

    /** Connects and logs in, turning each failure into one line that says what to do. */
    public static void connectAndLogin(XMPPTCPConnection connection, EntityBareJid jid, Transport transport) {
        String where = transport.describe();
        try {
            connection.connect();
        } catch (SmackException.ConnectionException e) {
            String why = String.valueOf(e.getMessage()).contains("Connection refused") ? "connection refused"
                    : rootMessage(e);
            throw new CliException(ExitCode.CONNECTION, "cannot connect to " + where + " for " + jid + ": " + why
                    + "; is the server running? (--server HOST:PORT overrides DNS)", e);
        } catch (SmackException.NoResponseException e) {
            // Smack's own message says it waited for TLS even on a plaintext connection: not what happened.
            connection.disconnect();
            throw new CliException(ExitCode.CONNECTION, where + " accepted the connection but sent no XMPP answer "
                    + "within " + connection.getReplyTimeout() / 1000 + " s: no XMPP server on that port, or it is "
                    + "overloaded", e);
        } catch (SmackException.SecurityRequiredByServerException e) {
            throw new CliException(ExitCode.CONNECTION, where + " requires TLS: leave out --insecure-loopback (and "
                    + "pass --server-cert FILE if its certificate is self-signed)", e);
        } catch (SmackException.SecurityRequiredByClientException e) {
            throw new CliException(ExitCode.CONNECTION, "cannot connect securely to " + where + ": the server offers "
                    + "no TLS; plaintext is allowed only to a test server on 127.0.0.1 with --insecure-loopback", e);
        } catch (SmackException | IOException | XMPPException e) {
            throw connectionFailure(where, jid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.CONNECTION, "interrupted while connecting", e);
        }
        try {
            connection.login();
        } catch (SASLErrorException e) {
            connection.disconnect();
            throw new CliException(ExitCode.AUTH, "cannot log in as " + jid + ": the server refused the password ("
                    + e.getSASLFailure().getSASLErrorString() + "); check SOTTO_PASSWORD or --password-file", e);
        } catch (SmackException | IOException | XMPPException e) {
            connection.disconnect();
            throw connectionFailure(where, jid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.CONNECTION, "interrupted while logging in", e);
        }
    }

    private static CliException connectionFailure(String where, EntityBareJid jid, Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertPathBuilderException || cause instanceof CertPathValidatorException) {
                return new CliException(ExitCode.CONNECTION, "the certificate of " + where + " is not trusted: it is "
                        + "self-signed or from an unknown authority, so this may not be the server, or someone is in "
                        + "between; for your own self-signed server pass its certificate with --server-cert FILE", e);
            }
            if (cause instanceof CertificateException && String.valueOf(cause.getMessage()).contains("Hostname")) {
                return new CliException(ExitCode.CONNECTION, "the certificate of " + where + " is not for "
                        + jid.getDomain() + ": " + cause.getMessage(), e);
            }
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException) {
                return new CliException(ExitCode.CONNECTION, "TLS with " + where + " failed: " + cause.getMessage()
                        + "; for a self-signed server pass its certificate with --server-cert FILE", e);
            }
            if (cause instanceof ConnectException) {
                return new CliException(ExitCode.CONNECTION, "cannot connect to " + where + " for " + jid + ": "
                        + cause.getMessage() + "; is the server running?", e);
            }
        }
        return new CliException(ExitCode.CONNECTION, "the connection to " + where + " for " + jid + " failed: "
                + rootMessage(e), e);
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.replace('\n', ' ');
    }
}
