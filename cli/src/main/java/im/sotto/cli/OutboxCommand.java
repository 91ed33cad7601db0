package im.sotto.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import im.sotto.xmpp.OutboxEntry;
import im.sotto.xmpp.SottoOutbox;

import org.jxmpp.jid.BareJid;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code sotto outbox [JID]} and {@code sotto outbox drop ID}. */
@Command(name = "outbox", mixinStandardHelpOptions = true, subcommands = OutboxCommand.Drop.class,
        description = {"Lists the messages waiting to be sent encrypted (to JID, or to everyone): id, recipient, "
        + "age, and why the last attempt failed. They are encrypted at rest and tried again by every command that "
        + "logs in (send, listen, chat); nothing is ever sent in plaintext. Works offline.",
        "sotto outbox drop ID removes one."})
public final class OutboxCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Parameters(index = "0", arity = "0..1", paramLabel = "JID", description = "Only the messages to this account.")
    String to;

    @Override
    public Integer call() {
        Accounts.Entry entry = Accounts.choose(common);
        Optional<BareJid> only = Optional.ofNullable(to).map(Jids::account);
        Optional<HandOff.Answer> fromListen = HandOffClient.read(entry.directory(),
                new HandOff.Outbox(only.map(BareJid::toString)));
        if (fromListen.isPresent()) { // a listen of the account holds the store: it answers
            return HandOffClient.print(fromListen.get());
        }
        try (Accounts.Opened opened = Accounts.open(common, entry)) {
            print(opened, only, System.out);
        }
        return ExitCode.OK;
    }

    /** The listing of {@code sotto outbox [JID]} on {@code out}: also {@code /outbox} in a chat. */
    static void print(Accounts.Opened opened, Optional<BareJid> to, PrintStream out) {
        List<OutboxEntry> waiting = SottoOutbox.list(opened.account, to);
        if (waiting.isEmpty()) {
            out.println("The outbox is empty" + to.map(jid -> " for " + jid + ".").orElse("."));
            return;
        }
        Instant now = Instant.now();
        out.printf("%-6s %-32s %-10s %s%n", "ID", "TO", "AGE", "WAITING BECAUSE");
        for (OutboxEntry e : waiting) {
            out.println(String.format("%-6d %-32s %-10s %s", e.id(), SafeText.of(e.peer().toString()),
                    e.sentAt().map(at -> age(Duration.between(at, now))).orElse("-"), reason(e)).stripTrailing());
        }
    }

    private static String reason(OutboxEntry e) {
        return e.lastFailure().map(r -> r + e.detail().map(d -> ": " + SafeText.of(d)).orElse(""))
                .orElse("not tried yet (waits for a session or the server)");
    }

    /** An age a person reads at a glance: seconds, minutes, hours or days. */
    static String age(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s < 60 ? s + " s" : s < 3600 ? s / 60 + " min" : s < 86400 ? s / 3600 + " h" : s / 86400 + " d";
    }

    /** {@code sotto outbox drop ID}. */
    @Command(name = "drop", mixinStandardHelpOptions = true, description = "Removes the waiting message ID (from "
            + "sotto outbox) without sending it.")
    static final class Drop implements Callable<Integer> {
        @Mixin
        Common common;

        @Parameters(index = "0", paramLabel = "ID", description = "The message's id, as sotto outbox lists it.")
        long id;

        @Override
        public Integer call() {
            Accounts.Entry entry = Accounts.choose(common);
            Optional<HandOff.Answer> fromListen = HandOffClient.change(entry.directory(), new HandOff.OutboxDrop(id));
            if (fromListen.isPresent()) { // a listen of the account holds the store: it drops the message
                return HandOffClient.print(fromListen.get());
            }
            try (Accounts.Opened opened = Accounts.open(common, entry)) {
                drop(opened, id, System.out);
            }
            return ExitCode.OK;
        }

        /** Drops message {@code id}, here or in a running listen. */
        static void drop(Accounts.Opened opened, long id, PrintStream out) {
            if (!SottoOutbox.drop(opened.account, id)) {
                throw new CliException(ExitCode.USAGE, "no message " + id + " waits in the outbox (sotto outbox "
                        + "lists them)");
            }
            out.println("dropped message " + id + " from the outbox; it was never sent");
        }
    }
}
