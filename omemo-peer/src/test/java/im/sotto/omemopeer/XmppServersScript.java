package im.sotto.omemopeer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Prosody and ejabberd on loopback for one test class, through {@code scripts/xmpp-servers.sh} (the same script the
 * xmpp and cli tests use; their helpers live on Smack 4.4's classpath, so this module has its own small copy). A
 * server that cannot start fails the test with the script's output: these tests never skip.
 */
final class XmppServersScript implements AutoCloseable {
    /** Installing the Debian packages on a fresh machine dominates; a warm start takes a few seconds. */
    private static final long SCRIPT_TIMEOUT_SECONDS = 900;

    /** The two servers the script starts, by the prefix of their keys in servers.properties. */
    enum Kind {
        PROSODY, EJABBERD
    }

    private final Path script;
    private final Path directory;
    private final Map<String, String> env;
    private final Properties properties = new Properties();

    private XmppServersScript(Path script, Path directory, Map<String, String> env) {
        this.script = script;
        this.directory = directory;
        this.env = env;
    }

    static XmppServersScript start() throws IOException {
        return start(Map.of());
    }

    /** With message carbons (XEP-0280) on both servers, which the own-device tests need. */
    static XmppServersScript startWithCarbons() throws IOException {
        return start(Map.of("SOTTO_XMPP_CARBONS", "1"));
    }

    private static XmppServersScript start(Map<String, String> env) throws IOException {
        Path script = Paths.get(System.getProperty("sotto.xmpp.servers.script", "../scripts/xmpp-servers.sh"));
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("server script not found: " + script.toAbsolutePath());
        }
        XmppServersScript servers = new XmppServersScript(script, Files.createTempDirectory("sotto-omemo-peer-"),
                env);
        String output = servers.run("start");
        try (InputStream in = Files.newInputStream(servers.directory.resolve("servers.properties"))) {
            servers.properties.load(in);
        } catch (IOException e) {
            servers.close();
            throw new IllegalStateException("servers started but wrote no properties; output:\n" + output, e);
        }
        return servers;
    }

    String host(Kind kind) {
        return require(kind + "_HOST");
    }

    int port(Kind kind) {
        return Integer.parseInt(require(kind + "_PORT"));
    }

    String domain(Kind kind) {
        return require(kind + "_DOMAIN");
    }

    String password(Kind kind, String user) {
        return require(kind + "_PASSWORD_" + user.toUpperCase(Locale.ROOT));
    }

    String jid(Kind kind, String user) {
        return user + "@" + domain(kind);
    }

    /** Every byte the server keeps on disk (data, spool, archive), to check that no plaintext is there. */
    String storedData(Kind kind) throws IOException {
        Path log = Paths.get(require(kind + "_LOG"));
        Path data = kind == Kind.PROSODY ? log.getParent().resolve("data") : log.getParent().getParent()
                .resolve("spool");
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                all.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).append('\n');
            }
        }
        return all.toString();
    }

    @Override
    public void close() {
        if (Files.exists(directory)) {
            run("stop");
        }
    }

    private String require(String key) {
        String value = properties.getProperty(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException("servers.properties lacks " + key);
        }
        return value;
    }

    private String run(String command) {
        try {
            ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), command, directory.toString())
                    .redirectErrorStream(true);
            builder.environment().putAll(env);
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] output;
            try (InputStream in = process.getInputStream()) {
                output = in.readAllBytes();
            }
            if (!process.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(script + " " + command + " timed out");
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(script + " " + command + " failed with exit code "
                        + process.exitValue() + "; its output and the server logs:\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script, e);
        }
    }
}
