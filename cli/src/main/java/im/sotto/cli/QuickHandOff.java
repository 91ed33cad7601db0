package im.sotto.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.jxmpp.jid.EntityBareJid;

/**
 * {@code sotto send JID WORDS...} without picocli: handed to a running listen, or else run as picocli would run it.
 *
 * <p>Building picocli's model of {@code send} (annotations, reflection, its built-in converters) takes about 0.16 s,
 * a third of a hand-off, which otherwise only reads the account's settings and writes one frame to the listen's
 * socket, and a tenth of a send that logs in itself. This path takes only the plainest form of the command: the JID
 * and the words of the message, no option, no {@code -} (standard input), no {@code @file}, no contact password in
 * the environment ({@link #isPlainSend}); anything else goes through picocli. A hand-off is tried before the logging
 * set-up ({@link #send}); an argument that does not check out, or no running listen, leaves the work to
 * {@link SendCommand}, filled as picocli would fill it ({@link #plainCommand}), which does everything again as usual.
 * After a hand-off request left, the listen's answer is the command's result, as in {@link SendCommand}.
 */
final class QuickHandOff {
    private QuickHandOff() {
    }

    /**
     * Whether {@code args} are the plainest form of {@code send}: the JID and the words of the message, no option,
     * no {@code -}, no {@code @file}, no contact password in the environment.
     */
    static boolean isPlainSend(String... args) {
        if (args.length < 3 || !"send".equals(args[0]) || System.getenv(ContactPassword.VARIABLE) != null) {
            return false;
        }
        for (int i = 1; i < args.length; i++) {
            if (args[i].isEmpty() || args[i].startsWith("-") || args[i].startsWith("@")) {
                return false;
            }
        }
        return true;
    }

    /**
     * The {@code send} command of a plain send line ({@link #isPlainSend}), filled as picocli fills it: with no option
     * given, every option keeps its field's default. Saves picocli's model of {@code send} (0.16 s of CPU) when no
     * listen runs too.
     */
    static SendCommand plainCommand(String... args) {
        SendCommand command = new SendCommand();
        command.common = new Common();
        command.contactPassword = new ContactPassword();
        command.to = args[1];
        command.text = List.copyOf(Arrays.asList(args).subList(2, args.length));
        return command;
    }

    /** The exit code when the listen took the message (or said why not); empty for the usual path. */
    static Optional<Integer> send(String... args) {
        if (!isPlainSend(args)) {
            return Optional.empty();
        }
        EntityBareJid peer;
        String body;
        Accounts.Entry entry;
        try {
            peer = Jids.account(args[1]);
            body = MessageText.require(String.join(" ", Arrays.asList(args).subList(2, args.length)));
            entry = Accounts.choose(new Common());
        } catch (CliException e) {
            return Optional.empty(); // SendCommand says it, exactly as it always does
        }
        try {
            return HandOffClient.send(entry.directory(), peer.toString(), body).map(HandOffClient::print);
        } catch (CliException e) {
            // The request left and the listen failed: the message may have gone; it must not be sent again here.
            System.err.println("sotto: " + e.getMessage());
            return Optional.of(e.exitCode());
        }
    }
}
