package im.sotto.cli.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import im.sotto.cli.CliException;
import im.sotto.cli.ExitCode;

/**
 * A throwaway Prosody on 127.0.0.1 on a free port, started with the project's {@code xmpp-servers.sh} (shipped
 * inside the jar): its config, users, data and logs live in one temporary directory, deleted by {@link #close}.
 * The script installs Prosody from Debian first if it is missing, and says so.
 */
final class PrivateProsody implements AutoCloseable {
    /** Installing Prosody on a fresh machine dominates; a warm start takes well under a second. */
    private static final long SCRIPT_TIMEOUT_SECONDS = 900;

    private final Path script;
    private final Path directory;
    final String host;
    final int port;
    final String domain;
    private final Properties properties;

    private PrivateProsody(Path script, Path directory, Properties properties) {
        this.script = script;
        this.directory = directory;
        this.properties = properties;
        this.host = properties.getProperty("PROSODY_HOST");
        this.port = Integer.parseInt(properties.getProperty("PROSODY_PORT"));
        this.domain = properties.getProperty("PROSODY_DOMAIN");
    }

    /** Starts Prosody; the script's own messages (such as "installing prosody from Debian") go to {@code progress}. */
    static PrivateProsody start(PrintStream progress) {
        Path work;
        Path script;
        try {
            work = Files.createTempDirectory("sotto-demo-");
            script = work.resolve("xmpp-servers.sh");
            try (InputStream in = PrivateProsody.class.getResourceAsStream("xmpp-servers.sh")) {
                if (in == null) {
                    throw new CliException(ExitCode.FAILED, "cannot start Prosody: xmpp-servers.sh is missing from "
                            + "the jar; rebuild with ./sotto");
                }
                Files.copy(in, script);
            }
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "cannot start Prosody: no temporary directory (" + e.getMessage()
                    + "); check that /tmp is writable", e);
        }
        Path directory = work.resolve("servers");
        try {
            run(script, progress, "start", directory.toString(), "prosody");
            Properties properties = new Properties();
            try (InputStream in = Files.newInputStream(directory.resolve("servers.properties"))) {
                properties.load(in);
            }
            return new PrivateProsody(script, directory, properties);
        } catch (IOException | RuntimeException e) {
            try {
                run(script, progress, "stop", directory.toString());
            } catch (RuntimeException ignored) {
                // Reported through the first failure.
            }
            deleteTree(work);
            if (e instanceof CliException cli) {
                throw cli;
            }
            throw new CliException(ExitCode.FAILED, "cannot start Prosody: " + e.getMessage()
                    + "; run again with --debug for the server's log", e);
        }
    }

    String password(String user) {
        return properties.getProperty("PROSODY_PASSWORD_" + user.toUpperCase(java.util.Locale.ROOT));
    }

    /** Prosody's data directory: accounts, and the offline storage where messages for offline users wait. */
    Path dataDirectory() {
        return directory.resolve("prosody").resolve("data");
    }

    private static void run(Path script, PrintStream progress, String... arguments) {
        String[] command = new String[arguments.length + 2];
        command[0] = "bash";
        command[1] = script.toString();
        System.arraycopy(arguments, 0, command, 2, arguments.length);
        StringBuilder output = new StringBuilder();
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            // Prosody's file storage: the demo shows the viewer the offline file the server keeps.
            builder.environment().put("SOTTO_PROSODY_STORAGE", "internal");
            Process process = builder.start();
            process.getOutputStream().close();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    output.append(line).append('\n');
                    if (line.startsWith("xmpp-servers: installing")) {
                        progress.println("Prosody is not installed: " + line.substring("xmpp-servers: ".length())
                                + " (apt-get, needs root) ...");
                    }
                }
            }
            if (!process.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new CliException(ExitCode.FAILED, "cannot start Prosody: the start script timed out");
            }
            if (process.exitValue() != 0) {
                String last = output.toString().strip();
                int cut = last.lastIndexOf('\n');
                throw new CliException(ExitCode.FAILED, "cannot " + arguments[0] + " Prosody: "
                        + (cut >= 0 ? last.substring(cut + 1) : last), new IOException(output.toString()));
            }
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILED, "cannot run bash for the Prosody script: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILED, "interrupted while starting Prosody", e);
        }
    }

    @Override
    public void close() {
        try {
            run(script, System.err, "stop", directory.toString());
        } finally {
            deleteTree(script.getParent());
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: a temporary directory left behind is harmless.
        }
    }

    /** Everything in Prosody's offline storage once it holds {@code marker} (it writes asynchronously), else "". */
    String awaitOfflineStorage(String marker) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            StringBuilder all = new StringBuilder();
            try (Stream<Path> files = Files.walk(dataDirectory())) {
                for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)
                        .filter(p -> p.toString().contains("offline"))::iterator) {
                    try {
                        all.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
                    } catch (IOException e) {
                        // Being rewritten: read again on the next round.
                    }
                }
            }
            if (all.indexOf(marker) >= 0) {
                return all.toString();
            }
            Thread.sleep(100);
        }
        return "";
    }
}
