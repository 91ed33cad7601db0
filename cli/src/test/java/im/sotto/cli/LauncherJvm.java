package im.sotto.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The JVM options {@code ./sotto} starts the jar with (see the launcher): the serial collector, the quick compiler
 * alone for one-shot commands, and a class-data-sharing archive made by the same training run
 * ({@link CdsTraining}). The integration tests start the jar hundreds of times; with the launcher's options each
 * start costs what a user's does (about half a second less than a bare {@code java -jar} on this machine), and the
 * commands are tested the way they are run. The archive is made once per test JVM, next to the jar; if it cannot be
 * made the commands run without it, as the launcher does. Likewise SQLite's native library is taken from its jar once
 * and loaded in place, instead of being copied into /tmp by every start.
 */
final class LauncherJvm {
    /** A training run that takes longer than this is abandoned (it needs no server; seconds on a loaded machine). */
    private static final long TRAINING_TIMEOUT_SECONDS = 120;

    private static Path archive;
    private static Path nativeLibrary;
    private static boolean tried;

    private LauncherJvm() {
    }

    /** The options for {@code command} (its first argument), as {@code ./sotto} passes them. */
    static List<String> options(Path jar, String command) {
        List<String> options = new ArrayList<>(List.of("-Xshare:auto", "-Xlog:disable", "-Xlog:all=warning:stderr",
                "-XX:+UseSerialGC"));
        archive(jar).ifPresent(a -> options.add("-XX:SharedArchiveFile=" + a));
        if (nativeLibrary != null) {
            options.addAll(sqliteOptions(nativeLibrary));
        }
        if (!List.of("listen", "chat", "demo").contains(command)) {
            options.add("-XX:TieredStopAtLevel=1");
        }
        return options;
    }

    private static synchronized java.util.Optional<Path> archive(Path jar) {
        if (!tried) {
            tried = true;
            nativeLibrary = extractSqlite(jar);
            archive = train(jar);
        }
        return java.util.Optional.ofNullable(archive);
    }

    private static Path train(Path jar) {
        Path target = jar.toAbsolutePath().resolveSibling("it-sotto.jsa");
        try {
            Files.deleteIfExists(target);
            List<String> command = new ArrayList<>(List.of(
                    Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:ArchiveClassesAtExit=" + target, "-Xlog:disable"));
            if (nativeLibrary != null) {
                command.addAll(sqliteOptions(nativeLibrary));
            }
            command.addAll(List.of("-cp", jar.toString(), CdsTraining.class.getName()));
            Process training = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!training.waitFor(TRAINING_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                training.destroyForcibly();
                return null;
            }
            return training.exitValue() == 0 && Files.size(target) > 0 ? target : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static List<String> sqliteOptions(Path library) {
        return List.of("-Dorg.sqlite.lib.path=" + library.getParent(), "-Dorg.sqlite.lib.name=" + library.getFileName(),
                "-Dorg.sqlite.tmpdir=" + library.getParent());
    }

    /** SQLite's library for this machine, taken from the driver's jar beside the Sotto jar; null where unsupported. */
    private static Path extractSqlite(Path jar) {
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64" -> "aarch64";
            default -> null;
        };
        if (arch == null || !System.getProperty("os.name").equals("Linux") || Files.exists(Path.of("/lib/ld-musl-"
                + arch + ".so.1"))) {
            return null;
        }
        try (java.util.stream.Stream<Path> lib = Files.list(jar.toAbsolutePath().resolveSibling("lib"))) {
            Path driver = lib.filter(p -> p.getFileName().toString().startsWith("sqlite-jdbc-")).findFirst()
                    .orElse(null);
            if (driver == null) {
                return null;
            }
            Path directory = Files.createDirectories(jar.toAbsolutePath().resolveSibling("it-native"));
            Path library = directory.resolve("libsqlitejdbc.so");
            try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(driver.toFile())) {
                java.util.zip.ZipEntry entry = zip.getEntry("org/sqlite/native/Linux/" + arch + "/libsqlitejdbc.so");
                if (entry == null) {
                    return null;
                }
                try (java.io.InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, library, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return library;
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
