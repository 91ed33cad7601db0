package im.sotto.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The training run of the class-data-sharing archive that {@code ./sotto} builds next to the jar (JDK 17:
 * {@code -XX:ArchiveClassesAtExit}): runs the start of the common commands without a server, so that the classes
 * they load (picocli's model of every command, the store and SQLite, the key generation, Smack's initialisation and
 * its connection) are archived parsed and verified, and later runs map them instead of loading them again.
 * It writes only in a temporary directory, which it deletes, and connects only to 127.0.0.1 port 1 (refused).
 */
final class CdsTraining {
    private CdsTraining() {
    }

    public static void main(String[] args) throws IOException {
        Path home = Files.createTempDirectory("sotto-cds-training-");
        try {
            Path password = Files.writeString(home.resolve("password"), "training");
            String[] account = {"--home", home.toString(), "--password-file", password.toString()};
            Main.run("--help");
            Main.run(concat(new String[] {"account", "add", "training@localhost", "--no-passphrase", "--server",
                "127.0.0.1:1", "--insecure-loopback"}, account));
            // account add asks the server for the account's devices before it creates anything, so without a server
            // it stops there; the store, its keys and SQLite are made here as account add would, for the commands
            // below (which otherwise stop at "no account" and leave most of their classes out of the archive).
            createStore(home);
            Main.run(concat(new String[] {"contacts"}, account));
            Main.run(concat(new String[] {"send", "peer@localhost", "training"}, account));
            Main.run(concat(new String[] {"fingerprint"}, account));
            handOff(home);
        } finally {
            try (Stream<Path> files = Files.walk(home)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
        System.exit(0);
    }

    /**
     * The client side of a hand-off to a running listen (JSON frames, the Unix socket): a send through a listen
     * loads little else, so these classes are most of its start. The client runs its real path
     * ({@link HandOffClient#send}) against a stand-in that answers one request: a class the path needs but the
     * archive lacks makes the class loader open every jar before the one holding it (0.06 s seen after an answer).
     */
    private static void handOff(Path home) {
        try {
            HandOff.parse(HandOff.encode(new HandOff.Send("peer@localhost", "training")));
            HandOff.parse(HandOff.encode(new HandOff.Contacts()));
            HandOff.parseAnswer(HandOff.encode(new HandOff.Answer(0, "training", "")));
            Path directory = Files.createDirectories(home.resolve("hand-off"));
            try (java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open(
                    java.net.StandardProtocolFamily.UNIX)) {
                server.bind(java.net.UnixDomainSocketAddress.of(directory.resolve(HandOff.SOCKET)));
                Thread answering = new Thread(() -> answerOnce(server), "cds-training-hand-off");
                answering.start();
                java.io.PrintStream out = System.out;
                try {
                    System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
                    HandOffClient.send(directory, "peer@localhost", "training").ifPresent(HandOffClient::print);
                } finally {
                    System.setOut(out);
                }
                answering.join(5_000);
            }
        } catch (IOException | HandOff.Refused | CliException e) {
            System.err.println("CDS training: hand-off frames failed (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The stand-in listen: reads one request and answers it as a listen that sent the message would. */
    private static void answerOnce(java.nio.channels.ServerSocketChannel server) {
        try (java.nio.channels.SocketChannel client = server.accept()) {
            HandOff.parse(HandOffFrames.read(client));
            HandOffFrames.write(client, HandOff.encode(new HandOff.Answer(ExitCode.OK, "sent to peer@localhost\n",
                    "")));
        } catch (IOException | HandOff.Refused e) {
            System.err.println("CDS training: the stand-in listen failed (" + e.getMessage() + ")");
        }
    }

    private static void createStore(Path home) {
        Common common = new Common();
        common.home = home;
        common.server = "127.0.0.1:1";
        common.insecureLoopback = true;
        try {
            NewAccountHome.prepare(common, Jids.account("training@localhost"), true).create(common,
                    store -> im.sotto.xmpp.SottoAccount.open(store, new java.security.SecureRandom(),
                            java.time.Clock.systemUTC()));
        } catch (IOException | CliException e) {
            System.err.println("CDS training: no store (" + e.getMessage() + "); the archive holds less");
        }
    }

    private static String[] concat(String[] first, String[] second) {
        String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }
}
