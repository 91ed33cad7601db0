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

/** A throwaway Prosody for the transcript tests, through the project's xmpp-servers.sh (Prosody only). */
final class Prosody implements AutoCloseable {
    private final Path script = Paths.get(System.getProperty("sotto.xmpp.servers.script",
            "../scripts/xmpp-servers.sh"));
    private final Path directory;
    private final Properties properties = new Properties();

    Prosody() throws Exception {
        directory = Files.createTempDirectory("sotto-cli-prosody-");
        run("start", directory.toString(), "prosody");
        try (InputStream in = Files.newInputStream(directory.resolve("servers.properties"))) {
            properties.load(in);
        }
    }

    String domain() {
        return properties.getProperty("PROSODY_DOMAIN");
    }

    /** The --server value. */
    String server() {
        return "127.0.0.1:" + properties.getProperty("PROSODY_PORT");
    }

    String jid(String user) {
        return user + "@" + domain();
    }

    String password(String user) {
        return properties.getProperty("PROSODY_PASSWORD_" + user.toUpperCase(Locale.ROOT));
    }

    /** Everything Prosody keeps on disk (accounts, PEP, offline storage), as ISO-8859-1 text. */
    String storedData() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(directory.resolve("prosody").resolve("data"))) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                all.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).append('\n');
            }
        }
        return all.toString();
    }

    private void run(String... args) throws Exception {
        String[] command = new String[args.length + 2];
        command[0] = "bash";
        command[1] = script.toString();
        System.arraycopy(args, 0, command, 2, args.length);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
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
