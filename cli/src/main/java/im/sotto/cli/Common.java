package im.sotto.cli;

import java.nio.file.Path;
import java.util.Optional;

import picocli.CommandLine.Option;

/** Options every account command takes. Defaults saved by {@code account add} apply when an option is absent. */
public final class Common {
    @Option(names = "--home", paramLabel = "DIR", description = "Where accounts' stores live (default: $SOTTO_HOME, "
            + "else ~/.sotto).")
    Path home;

    @Option(names = {"-a", "--account"}, paramLabel = "JID", description = "Which account (default: $SOTTO_ACCOUNT, "
            + "else the only one in the home directory).")
    String account;

    @Option(names = "--server", paramLabel = "HOST:PORT", description = "Connect here instead of the DNS lookup of the "
            + "account's domain.")
    String server;

    @Option(names = "--server-cert", paramLabel = "FILE", description = "Trust this self-signed server certificate "
            + "(TLS stays on).")
    Path serverCert;

    @Option(names = "--insecure-loopback", description = "Allow plaintext XMPP to a server on 127.0.0.1 (tests only); "
            + "refused for any other address.")
    boolean insecureLoopback;

    @Option(names = "--reveal", paramLabel = "POLICY", description = "Who learns this device's identity (account key, "
            + "certificate, certification) when it answers a handshake: contacts (default: JIDs in the roster or with "
            + "a trust record), authenticated (strangers too, once they showed their own), anyone.")
    String reveal;

    @Option(names = "--password-file", paramLabel = "FILE", description = "Read the XMPP password from FILE (else "
            + "$SOTTO_PASSWORD, else asked without echo).")
    Path passwordFile;

    @Option(names = "--passphrase-file", paramLabel = "FILE", description = "Read the store passphrase from FILE "
            + "(else $SOTTO_PASSPHRASE, else asked without echo).")
    Path passphraseFile;

    @Option(names = "--debug", description = "Show stack traces and library logs.")
    void debug(boolean on) {
        Main.debug = on;
    }

    Path homeDirectory() {
        if (home != null) {
            return home;
        }
        String env = System.getenv("SOTTO_HOME");
        if (env != null && !env.isEmpty()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".sotto");
    }

    Optional<String> accountName() {
        if (account != null) {
            return Optional.of(account);
        }
        return Optional.ofNullable(System.getenv("SOTTO_ACCOUNT")).filter(s -> !s.isEmpty());
    }
}
