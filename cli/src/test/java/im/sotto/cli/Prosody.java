package im.sotto.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway Prosody for the transcript tests, through the project's xmpp-servers.sh; or, with {@link #ejabberd()},
 * an ejabberd (plaintext, start and stop only: the script restarts Prosody alone).
 */
final class Prosody implements AutoCloseable {
    private final Path script = Paths.get(System.getProperty("sotto.xmpp.servers.script",
            "../scripts/xmpp-servers.sh"));
    private final Path directory;
    private final Properties properties = new Properties();

    private final boolean tls;
    private final boolean debugLog;
    /** The script's name for the server, and the prefix of its keys in servers.properties. */
    private final String kind;
    /** Whether the server runs message carbons (XEP-0280), as both servers' default configurations do. */
    private final boolean carbons;

    /** A plaintext Prosody (clients need --insecure-loopback). */
    Prosody() throws Exception {
        this(false);
    }

    /**
     * With {@code tls}, Prosody requires STARTTLS with a self-signed certificate made for this run ({@link #cert}),
     * as a private server on the Internet would.
     */
    Prosody(boolean tls) throws Exception {
        this(tls, false);
    }

    /** With {@code debugLog}, Prosody logs at debug level: what its stream management does with each session. */
    Prosody(boolean tls, boolean debugLog) throws Exception {
        this(tls, debugLog, "prosody");
    }

    private Prosody(boolean tls, boolean debugLog, String kind) throws Exception {
        this(tls, debugLog, kind, false);
    }

    private Prosody(boolean tls, boolean debugLog, String kind, boolean carbons) throws Exception {
        this.carbons = carbons;
        this.tls = tls;
        this.debugLog = debugLog;
        this.kind = kind;
        directory = Files.createTempDirectory("sotto-cli-" + kind + "-");
        run("start", directory.toString(), kind);
        try (InputStream in = Files.newInputStream(directory.resolve("servers.properties"))) {
            properties.load(in);
        }
    }

    /** A plaintext {@code kind} ("prosody" or "ejabberd") with message carbons on (the own-device tests). */
    static Prosody withCarbons(String kind) throws Exception {
        return new Prosody(false, false, kind, true);
    }

    /** A plaintext ejabberd instead (for behaviour that depends on the server); no restart. */
    static Prosody ejabberd() throws Exception {
        return new Prosody(false, false, "ejabberd");
    }

    private String key(String name) {
        return kind.toUpperCase(Locale.ROOT) + "_" + name;
    }

    String domain() {
        return properties.getProperty(key("DOMAIN"));
    }

    /** The --server value. */
    String server() {
        return "127.0.0.1:" + properties.getProperty(key("PORT"));
    }

    String jid(String user) {
        return user + "@" + domain();
    }

    String password(String user) {
        return properties.getProperty(key("PASSWORD_" + user.toUpperCase(Locale.ROOT)));
    }

    /** The server's self-signed certificate (PEM); only with TLS. */
    Path cert() {
        return Path.of(properties.getProperty("PROSODY_CERT"));
    }

    /** Prosody's log so far: it names each stream's TLS version and cipher, and each login. */
    String log() throws IOException {
        return Files.readString(Path.of(properties.getProperty(key("LOG"))), StandardCharsets.UTF_8);
    }

    /**
     * Everything the server keeps on disk (accounts, PEP, offline storage, archive), as ISO-8859-1 text: Prosody's
     * data directory, or ejabberd's Mnesia spool (which holds what Mnesia has written out so far).
     */
    String storedData() throws IOException {
        StringBuilder all = new StringBuilder();
        Path data = kind.equals("ejabberd") ? directory.resolve("ejabberd").resolve("spool")
                : directory.resolve("prosody").resolve("data");
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                all.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).append('\n');
            }
        }
        return all.toString();
    }

    /** Stops Prosody (SIGTERM, as an administrator would), keeping its data; {@link #restart} starts it again. */
    void stop() throws Exception {
        long pid = Long.parseLong(Files.readString(directory.resolve("prosody").resolve("launcher.pid")).strip());
        ProcessHandle process = ProcessHandle.of(pid).orElse(null);
        if (process == null) {
            return;
        }
        process.destroy();
        process.onExit().get(30, TimeUnit.SECONDS);
    }

    /** Starts Prosody again on the same port with the same data (stopping it first if it still runs). */
    void restart() throws Exception {
        run("restart", directory.toString(), "prosody");
    }

    private void run(String... args) throws Exception {
        String[] command = new String[args.length + 2];
        command[0] = "bash";
        command[1] = script.toString();
        System.arraycopy(args, 0, command, 2, args.length);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SOTTO_PROSODY_TLS", tls ? "1" : "0");
        if (debugLog) {
            builder.environment().put("SOTTO_PROSODY_LOG_LEVEL", "debug");
        }
        if (carbons) {
            builder.environment().put("SOTTO_XMPP_CARBONS", "1");
        }
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(900, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n"
                    + new String(output, StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() throws Exception {
        run("stop", directory.toString());
    }
}
