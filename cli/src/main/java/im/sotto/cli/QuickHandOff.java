package im.sotto.cli;

import java.util.Arrays;
import java.util.Optional;

import org.jxmpp.jid.EntityBareJid;

/**
 * {@code sotto send JID WORDS...} handed to a running listen before picocli reads the command line.
 *
 * <p>Building picocli's model of {@code send} (annotations, reflection, its built-in converters) takes about 0.16 s,
 * a third of a hand-off, which otherwise only reads the account's settings and writes one frame to the listen's
 * socket. This path takes only the plainest form of the command: the JID and the words of the message, no option, no
 * {@code -} (standard input), no {@code @file}, no contact password in the environment. Anything else, an argument
 * that does not check out, or no running listen, leaves the command line to picocli and {@link SendCommand}, which
 * do everything again as usual; so does every error before the request left. After it left, the listen's answer is
 * the command's result, as in {@link SendCommand}.
 */
final class QuickHandOff {
    private QuickHandOff() {
    }

    /** The exit code when the listen took the message (or said why not); empty for the usual path. */
    static Optional<Integer> send(String... args) {
        if (args.length < 3 || !"send".equals(args[0]) || System.getenv(ContactPassword.VARIABLE) != null) {
            return Optional.empty();
        }
        for (int i = 1; i < args.length; i++) {
            if (args[i].isEmpty() || args[i].startsWith("-") || args[i].startsWith("@")) {
                return Optional.empty();
            }
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
