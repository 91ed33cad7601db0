package im.sotto.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the packaged {@code sotto} jar as a user would: a separate process, its output and exit code captured. */
final class CliProcess {
    static final Path JAR = Paths.get(System.getProperty("sotto.cli.jar", "target/sotto-cli.jar"));
    static final Path LAUNCHER = Paths.get(System.getProperty("sotto.launcher", "../sotto"));

    /** One finished run. */
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private CliProcess() {
    }

    static List<String> javaCommand(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(LauncherJvm.options(JAR, args.length == 0 ? "" : args[0]));
        command.add("-jar");
        command.add(JAR.toString());
        command.addAll(List.of(args));
        return command;
    }

    static Run run(Map<String, String> env, String stdin, long timeoutSeconds, String... args) throws Exception {
        return run(javaCommand(args), env, stdin, timeoutSeconds);
    }

    static Run run(List<String> command, Map<String, String> env, String stdin, long timeoutSeconds)
            throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("SOTTO_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // The command exited without reading its input.
        }
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutSeconds
                    + " s; stdout so far:\n" + out.getNow("") + "\nstderr:\n" + err.getNow(""));
        }
        return new Run(process.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    }

    /** A command still running; {@link #finish} waits for it. */
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

        void answer(String line) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        /** Waits until standard output holds {@code text}. */
        void awaitOutput(String text, long timeoutSeconds) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (!outSoFar.toString().contains(text)) {
                if (System.nanoTime() > deadline || !process.isAlive() && !outSoFar.toString().contains(text)
                        && out.isDone()) {
                    throw new AssertionError("no \"" + text + "\" within " + timeoutSeconds + " s; stdout:\n"
                            + outSoFar + "\nstderr:\n" + err.getNow(""));
                }
                Thread.sleep(50);
            }
        }

        /** What the command wrote to standard output so far. */
        String outputSoFar() {
            return outSoFar.toString();
        }

        /** Sends a signal (INT, TERM, KILL) to the command, as a terminal or a service manager would. */
        void signal(String name) throws Exception {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new AssertionError("kill -" + name + " failed");
            }
        }

        Run finish(long timeoutSeconds) throws Exception {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("still running after " + timeoutSeconds + " s; stdout:\n" + outSoFar
                        + "\nstderr:\n" + err.getNow(""));
            }
            return new Run(process.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
        }
    }

    static Started start(Map<String, String> env, String... args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(javaCommand(args));
        builder.environment().keySet().removeIf(k -> k.startsWith("SOTTO_"));
        builder.environment().putAll(env);
        return new Started(builder.start());
    }

    static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (InputStream in = stream) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }

    /** A failure is one line on stderr (after progress lines), starting "sotto: ", with no stack trace. */
    static String oneLineError(Run run) {
        List<String> errors = run.err().lines().filter(l -> l.startsWith("sotto: ")).toList();
        if (errors.size() != 1 || run.err().contains("\tat ") || run.err().contains("Exception")) {
            throw new AssertionError("expected one error line and no stack trace:\n" + run);
        }
        return errors.get(0);
    }
}
