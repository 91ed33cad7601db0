package im.sotto.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A private tmux server (its own socket in a temporary directory) whose panes run commands in a real terminal, the
 * way a person uses them: keys go in with {@code send-keys}, the screen comes out with {@code capture-pane}. tmux is
 * installed from Debian when missing, as scripts/xmpp-servers.sh does for the servers. Panes stay after their command
 * exits so the exit status can be read.
 */
final class Tmux implements AutoCloseable {
    /** How often a screen is read while waiting for something to appear. */
    private static final long POLL_MILLIS = 200;
    /** How a pane shows that its command exited: the line its script prints, or tmux's own. */
    private static final java.util.regex.Pattern EXIT = java.util.regex.Pattern.compile(
            "(?m)^(?:\\[exit (\\d+)\\]|Pane is dead \\(status (\\d+))");

    private final Path socket;
    private final Path directory;
    private final List<String> started = new java.util.concurrent.CopyOnWriteArrayList<>();

    Tmux(Path directory) throws Exception {
        this.directory = directory;
        installIfMissing();
        this.socket = directory.resolve("tmux.sock");
        Path config = directory.resolve("tmux.conf");
        Files.writeString(config, "set -g remain-on-exit on\nset -g history-limit 5000\n");
        // A placeholder session starts the server with the configuration; panes then inherit remain-on-exit.
        tmux("-f", config.toString(), "new-session", "-d", "-s", "idle", "-x", "80", "-y", "10", "sleep 3600");
    }

    static void installIfMissing() throws Exception {
        String script = "command -v tmux >/dev/null 2>&1 && exit 0; [ \"$(id -u)\" -eq 0 ] || { echo 'tmux is missing "
                + "and this is not root: apt-get install tmux' >&2; exit 1; }; apt-get update -qq >&2 && "
                + "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux >&2";
        Process process = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(600, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("cannot install tmux: " + new String(output, StandardCharsets.UTF_8));
        }
    }

    /**
     * Starts {@code command} in a new session {@code name} of {@code width} x {@code height} characters, with
     * {@code env} (written to a script readable by this user only, so secrets stay off command lines).
     */
    void start(String name, int width, int height, Map<String, String> env, List<String> command) throws Exception {
        StringBuilder script = new StringBuilder("#!/bin/sh\n");
        env.forEach((k, v) -> script.append("export ").append(k).append("='").append(v.replace("'", "'\\''"))
                .append("'\n"));
        // Not exec: the shell prints the exit status, which tmux does not always report for a pane.
        command.forEach(word -> script.append("'").append(word.replace("'", "'\\''")).append("' "));
        script.append("\nstatus=$?\necho \"[exit $status]\"\nexit $status\n");
        Path file = directory.resolve(name + ".sh");
        Files.writeString(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        started.add(name);
        tmux("new-session", "-d", "-s", name, "-x", String.valueOf(width), "-y", String.valueOf(height),
                file.toString());
    }

    /** Types {@code text} into the pane, then Enter. */
    void type(String name, String text) throws Exception {
        keys(name, text);
        tmux("send-keys", "-t", name, "Enter");
    }

    /** Types {@code text} (literally, no Enter). */
    void keys(String name, String text) throws Exception {
        tmux("send-keys", "-t", name, "-l", text);
    }

    /** The pane's screen as text, one line per row (the bottom row last), a line wrapped by the terminal joined. */
    String screen(String name) throws Exception {
        return tmux("capture-pane", "-p", "-J", "-t", name).lines().map(String::stripTrailing)
                .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
    }

    /**
     * {@code screen} with the chat's wrapped lines joined again: a continuation row ({@code LineWrap}) starts with
     * spaces, so each such row is appended to the row above it after one space. For assertions on a whole line.
     */
    static String unwrapped(String screen) {
        List<String> rows = new ArrayList<>();
        for (String row : screen.lines().toList()) {
            int last = rows.size() - 1;
            if (row.startsWith(" ") && !row.isBlank() && last >= 0 && !rows.get(last).isBlank()) {
                rows.set(last, rows.get(last) + " " + row.strip());
            } else {
                rows.add(row);
            }
        }
        return String.join("\n", rows);
    }

    /** Reads the screen until {@code condition} holds; fails with the screen if it does not within {@code limit}. */
    String await(String name, Duration limit, String what, Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        String screen = screen(name);
        while (!condition.test(screen)) {
            if (System.nanoTime() > deadline) {
                StringBuilder others = new StringBuilder();
                for (String other : started) {
                    if (!other.equals(name)) {
                        others.append("\n--- ").append(other).append("'s screen:\n").append(screen(other));
                    }
                }
                throw new AssertionError(name + "'s screen did not show " + what + " within " + limit.toSeconds()
                        + " s:\n" + screen + others);
            }
            Thread.sleep(POLL_MILLIS);
            screen = screen(name);
        }
        return screen;
    }

    /**
     * Waits until the pane's command exits; returns its exit status: as the pane's script printed it, as tmux's
     * "Pane is dead" line says it, or as tmux reports it (whichever shows first: none of them is always there).
     */
    int awaitExit(String name, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            java.util.regex.Matcher exit = EXIT.matcher(screen(name));
            if (exit.find()) {
                return Integer.parseInt(exit.group(1) != null ? exit.group(1) : exit.group(2));
            }
            String[] dead = tmux("display-message", "-p", "-t", name, "#{pane_dead} #{pane_dead_status}").strip()
                    .split(" ");
            if (dead[0].equals("1") && dead.length == 2) {
                return Integer.parseInt(dead[1]);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " still runs after " + limit.toSeconds() + " s:\n" + screen(name));
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private String tmux(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("tmux", "-S", socket.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    @Override
    public void close() throws Exception {
        tmux("kill-server");
    }
}
