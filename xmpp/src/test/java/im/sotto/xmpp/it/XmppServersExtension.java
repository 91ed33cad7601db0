package im.sotto.xmpp.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts Prosody and ejabberd once per test JVM through {@code scripts/xmpp-servers.sh} and stops them by PID when
 * JUnit closes its root store (after the last test), or at JVM exit if that never happens. A server that cannot
 * start fails every test that asks for it, with the script's output and the server's log in the message: these
 * tests never skip.
 */
public final class XmppServersExtension implements ParameterResolver {
    /** Installing the Debian packages on a fresh machine dominates; a warm start takes about three seconds. */
    private static final long START_TIMEOUT_SECONDS = 900;

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == XmppServers.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(Running.class, key -> Running.start(), Running.class).servers;
    }

    /** The running servers, closed (stopped) by JUnit with the root store. */
    static final class Running implements ExtensionContext.Store.CloseableResource {
        final XmppServers servers;
        private final Path script;
        private final Path directory;
        private final Thread shutdownHook;

        private Running(XmppServers servers, Path script, Path directory) {
            this.servers = servers;
            this.script = script;
            this.directory = directory;
            this.shutdownHook = new Thread(this::stop, "stop-xmpp-servers");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }

        static Running start() {
            Path script = Paths.get(System.getProperty("sotto.xmpp.servers.script", "../scripts/xmpp-servers.sh"));
            if (!Files.isRegularFile(script)) {
                throw new IllegalStateException("server script not found: " + script.toAbsolutePath());
            }
            try {
                Path directory = Files.createTempDirectory("sotto-xmpp-servers-");
                long started = System.nanoTime();
                String output = run(script, "start", directory);
                Properties properties = new Properties();
                try (InputStream in = Files.newInputStream(directory.resolve("servers.properties"))) {
                    properties.load(in);
                } catch (IOException e) {
                    run(script, "stop", directory);
                    throw new IllegalStateException("servers started but wrote no properties; output:\n" + output, e);
                }
                System.out.printf("XMPP servers started in %d ms%n", (System.nanoTime() - started) / 1_000_000);
                return new Running(XmppServers.from(properties), script, directory);
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the XMPP servers", e);
            }
        }

        @Override
        public void close() {
            stop();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The hook is running or has run; nothing left to do.
            }
        }

        private synchronized void stop() {
            if (Files.exists(directory)) {
                keepLogs();
                run(script, "stop", directory);
            }
        }

        /** With {@code -Dsotto.servers.logs=DIR}, the servers' logs are copied there before they are deleted. */
        private void keepLogs() {
            String target = System.getProperty("sotto.servers.logs");
            if (target == null) {
                return;
            }
            try (java.util.stream.Stream<Path> files = Files.walk(directory)) {
                Path into = Files.createDirectories(Paths.get(target));
                for (Path log : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".log"))::iterator) {
                    Files.copy(log, into.resolve(directory.relativize(log).toString().replace('/', '_')),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                System.err.println("could not keep the server logs: " + e);
            }
        }

        private static String run(Path script, String command, Path directory) {
            try {
                Process process = new ProcessBuilder("bash", script.toString(), command, directory.toString())
                        .redirectErrorStream(true)
                        .start();
                process.getOutputStream().close();
                byte[] output;
                try (InputStream in = process.getInputStream()) {
                    output = in.readAllBytes();
                }
                if (!process.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
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
}
