package im.sotto.omemopeer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One Sotto user: the packaged {@code sotto} jar (built by the cli module, Smack 4.4.8 on its own classpath) run as a
 * separate process with this user's home and password, as a user would run it.
 */
final class SottoCli {
    static final Path JAR = Paths.get(System.getProperty("sotto.cli.jar", "../cli/target/sotto-cli.jar"));
    /** A JVM start, a login and the work itself on a loaded two-core machine. */
    static final long COMMAND_TIMEOUT_SECONDS = 120;

    /** One finished run. */
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }

        /** The JSON objects {@code listen --json} printed, one per line. */
        List<JsonNode> events() throws IOException {
            ObjectMapper json = new ObjectMapper();
            List<JsonNode> events = new ArrayList<>();
            for (String line : out.lines().filter(l -> !l.isBlank()).toList()) {
                events.add(json.readTree(line));
            }
            return events;
        }
    }

    private final Map<String, String> env;
    final String jid;

    SottoCli(Path home, String jid, String password) {
        this.env = Map.of("SOTTO_HOME", home.toString(), "SOTTO_PASSWORD", password);
        this.jid = jid;
    }

    /** {@code sotto account add} on a plaintext loopback server, with a key-file store (no passphrase). */
    Run addAccount(String host, int port) throws Exception {
        return ok("account", "add", jid, "--server", host + ":" + port, "--insecure-loopback", "--no-passphrase");
    }

    /** A command that must succeed (exit 0). */
    Run ok(String... args) throws Exception {
        Run run = start(args).finish(COMMAND_TIMEOUT_SECONDS);
        if (run.exit() != 0) {
            throw new AssertionError("sotto " + String.join(" ", args) + " failed: " + run);
        }
        return run;
    }

    Started start(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(JAR.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("SOTTO_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        return new Started(process);
    }

    /** A command still running. */
    static final class Started {
        private final Process process;
        private final StringBuffer outSoFar = new StringBuffer();
        private final CompletableFuture<String> out;
        private final CompletableFuture<String> err;

        Started(Process process) {
            this.process = process;
            this.out = CompletableFuture.supplyAsync(() -> {
                try (InputStream in = process.getInputStream()) {
                    byte[] chunk = new byte[8192];
                    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
                    for (int n; (n = in.read(chunk)) > 0; ) {
                        all.write(chunk, 0, n);
                        outSoFar.setLength(0);
                        outSoFar.append(all.toString(StandardCharsets.UTF_8));
                    }
                    return all.toString(StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return outSoFar.toString();
                }
            });
            this.err = drain(process.getErrorStream());
        }

        /** Waits until standard output holds {@code text}. */
        void awaitOutput(String text, long timeoutSeconds) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (!outSoFar.toString().contains(text)) {
                if (System.nanoTime() > deadline || out.isDone()) {
                    throw new AssertionError("no \"" + text + "\" within " + timeoutSeconds + " s; stdout:\n"
                            + outSoFar + "\nstderr:\n" + err.getNow(""));
                }
                Thread.sleep(50);
            }
        }

        Run finish(long timeoutSeconds) throws Exception {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("sotto still running after " + timeoutSeconds + " s; stdout:\n"
                        + out.getNow("") + "\nstderr:\n" + err.getNow(""));
            }
            return new Run(process.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
        }

        private static CompletableFuture<String> drain(InputStream stream) {
            return CompletableFuture.supplyAsync(() -> {
                try (InputStream in = stream) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "";
                }
            });
        }
    }
}
