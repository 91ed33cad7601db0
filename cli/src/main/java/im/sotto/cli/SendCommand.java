package im.sotto.cli;

import java.util.List;
import java.util.concurrent.Callable;

import org.jxmpp.jid.EntityBareJid;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code sotto send JID TEXT}. */
@Command(name = "send", mixinStandardHelpOptions = true, description = {"Sends one message, end-to-end encrypted. "
        + "Messages queued earlier for JID go out first.",
        "If no encrypted session can be made (the peer has no Sotto), the message is kept in the outbox and the exit "
        + "code is 6; nothing is ever sent in plaintext."})
public final class SendCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    ContactPassword contactPassword;

    @Parameters(index = "0", paramLabel = "JID", description = "The recipient, user@domain.")
    String to;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT", description = "The message (words are joined "
            + "with spaces).")
    List<String> text;

    @Override
    public Integer call() {
        EntityBareJid peer = Jids.account(to);
        Accounts.Entry entry = Accounts.choose(common);
        try (Accounts.Opened opened = Accounts.open(common, entry);
             Online online = Online.connect(common, opened, null, System.err,
                     m -> contactPassword.applyTo(m, peer, System.err))) {
            String body = String.join(" ", text);
            online.flushOutbox(peer, System.err);
            int waiting = online.outboxSize(peer);
            if (waiting > 0) {
                // Older messages still cannot go out: keep the order, queue this one behind them.
                online.enqueue(peer, body);
                throw new CliException(ExitCode.NOT_SENT, "not sent to " + peer + ": " + waiting + " older "
                        + "message(s) still cannot be sent encrypted; queued behind them in the outbox. Nothing was "
                        + "sent in plaintext.");
            }
            System.err.println("Sending to " + peer + " (a new session may take a moment) ...");
            online.sendOrQueue(peer, body);
            System.out.println("sent to " + peer + ", end-to-end encrypted, trust "
                    + TrustNames.of(online.manager.contact(peer)));
        }
        return ExitCode.OK;
    }
}
