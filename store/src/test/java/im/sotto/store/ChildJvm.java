package im.sotto.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A second JVM running a main class from the test class path: the "other process" of the multi-process tests. */
public final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;

    private ChildJvm(Process process) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    public static ChildJvm start(Class<?> main, Path stderr, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xshare:auto");
        command.add("-XX:TieredStopAtLevel=1"); // starts faster; these children are short-lived
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(
                stderr.toFile()));
        return new ChildJvm(builder.start());
    }

    /** Reads the child's standard output until a line equal to {@code line}; false if the child ended first. */
    public boolean awaitLine(String line) throws IOException {
        String l;
        while ((l = out.readLine()) != null) {
            if (l.equals(line)) {
                return true;
            }
        }
        return false;
    }

    public Process process() {
        return process;
    }

    /** SIGKILL on Linux: no shutdown hooks, no finally blocks, no flushing. Returns the exit code (137). */
    public int kill() throws InterruptedException {
        process.destroyForcibly();
        return process.waitFor();
    }

    public int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child JVM did not finish within " + seconds + " s");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        out.close();
    }
}
