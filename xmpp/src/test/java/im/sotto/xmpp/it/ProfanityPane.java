package im.sotto.xmpp.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * profanity (Debian's, OMEMO 0.3 through libsignal-protocol-c) in a private tmux server, used as a person would:
 * commands typed into its pane, its screen read back. Its home, configuration and data live in a temporary
 * directory; the account is written to profanity's accounts file so that {@code -a} logs in at start.
 */
final class ProfanityPane implements AutoCloseable {
    private static final long POLL_MILLIS = 200;
    private static final String PANE = "profanity";

    private final Path directory;
    private final Path socket;

    ProfanityPane(Path directory, String jid, String password, String host, int port) throws Exception {
        this(directory, jid, password, host, port, "profanity");
    }

    /**
     * With its own {@code resource}: two profanity instances on one account are two devices, as a desktop and a
     * laptop would be (the same resource twice would end the first one's session).
     */
    ProfanityPane(Path directory, String jid, String password, String host, int port, String resource)
            throws Exception {
        this.directory = directory;
        this.socket = directory.resolve("tmux.sock");
        Path data = Files.createDirectories(directory.resolve("data/profanity"));
        Path config = Files.createDirectories(directory.resolve("config/profanity"));
        Path accounts = data.resolve("accounts");
        Files.writeString(accounts, "[" + jid + "]\nenabled=true\njid=" + jid + "\nserver=" + host + "\nport=" + port
                + "\ntls.policy=disable\npassword=" + password + "\nresource=" + resource + "\n");
        Files.setPosixFilePermissions(accounts, PosixFilePermissions.fromString("rw-------"));
        // Automatic: OMEMO starts by itself in a chat with a contact who has OMEMO (as current clients behave).
        // Blind trust of the contact's devices (profanity's default is manual): what a profanity user trusts is
        // profanity's business; the tests check what Sotto shows.
        Files.writeString(config.resolve("profrc"), "[omemo]\npolicy=automatic\ntrustmode=blind\n");
        Path script = directory.resolve("profanity.sh");
        Files.writeString(script, "#!/bin/sh\nexport HOME='" + directory + "'\nexport XDG_DATA_HOME='"
                + directory.resolve("data") + "'\nexport XDG_CONFIG_HOME='" + directory.resolve("config")
                + "'\nexport TERM=xterm-256color\nexec profanity -a '" + jid + "'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        tmux("-f", "/dev/null", "new-session", "-d", "-s", PANE, "-x", "220", "-y", "50", script.toString());
    }

    void type(String text) throws Exception {
        tmux("send-keys", "-t", PANE, "-l", text);
        tmux("send-keys", "-t", PANE, "Enter");
    }

    String screen() throws Exception {
        return tmux("capture-pane", "-p", "-J", "-t", PANE);
    }

    String await(Duration limit, String what, Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        String screen = screen();
        while (!condition.test(screen)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("profanity did not show " + what + " within " + limit.toSeconds()
                        + " s:\n" + screen + "\n--- profanity's log:\n" + log());
            }
            Thread.sleep(POLL_MILLIS);
            screen = screen();
        }
        return screen;
    }

    /** profanity's own log (its OMEMO errors are written there). */
    String log() {
        try (var files = Files.walk(directory.resolve("data/profanity/logs"))) {
            StringBuilder out = new StringBuilder();
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                out.append(text, Math.max(0, text.length() - 4000), text.length());
            }
            return out.toString();
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
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
        try {
            type("/quit");
            Thread.sleep(500);
        } finally {
            try {
                tmux("kill-server");
            } catch (IOException alreadyGone) {
                // /quit ended profanity, and with its only session the tmux server.
            }
        }
    }
}
