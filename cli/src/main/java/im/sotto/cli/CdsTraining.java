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
     * loads little else, so these classes are most of its start.
     */
    private static void handOff(Path home) {
        try {
            HandOff.parse(HandOff.encode(new HandOff.Send("peer@localhost", "training")));
            HandOff.parse(HandOff.encode(new HandOff.Contacts()));
            HandOff.parseAnswer(HandOff.encode(new HandOff.Answer(0, "training", "")));
            try (java.nio.channels.SocketChannel channel = java.nio.channels.SocketChannel.open(
                    java.net.StandardProtocolFamily.UNIX)) {
                channel.connect(java.net.UnixDomainSocketAddress.of(home.resolve("no-listen.sock")));
            } catch (IOException refused) {
                // no listen runs: only the classes were wanted
            }
        } catch (IOException | HandOff.Refused e) {
            System.err.println("CDS training: hand-off frames failed (" + e.getMessage() + ")");
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
